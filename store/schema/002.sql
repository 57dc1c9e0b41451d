-- 002.sql — version 2: the join of profiles with diagnostics (attribution).
CREATE TABLE cause (
  cause TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  hint TEXT NOT NULL,
  rank INTEGER NOT NULL
);

-- one run of the join: a profile against a set of builds
CREATE TABLE analysis (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profile(id),
  builds TEXT NOT NULL,		-- comma-separated build ids, "" for none
  created_at TEXT NOT NULL
);

CREATE TABLE alloc_site (
  analysis_id INTEGER NOT NULL REFERENCES analysis(id),
  site_id INTEGER NOT NULL,
  function TEXT NOT NULL,
  package TEXT,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  alloc_objects INTEGER,
  alloc_space INTEGER,
  inuse_objects INTEGER,
  inuse_space INTEGER,
  cause TEXT NOT NULL,
  confidence REAL NOT NULL,
  build_id INTEGER,
  diag_id INTEGER,
  attributed_via TEXT,
  samples INTEGER NOT NULL,
  decisive_seq INTEGER,		-- flow step that decided the cause
  evidence TEXT,
  PRIMARY KEY (analysis_id, site_id)
) WITHOUT ROWID;

-- the latest analysis of each profile is the one the views show
CREATE VIEW alloc_sites AS
  SELECT a.profile_id, s.build_id, s.site_id, s.function, s.package, s.file, s.line,
         s.alloc_objects, s.alloc_space, s.inuse_objects, s.inuse_space, s.cause,
         s.confidence, s.diag_id, s.attributed_via, c.hint, s.decisive_seq, s.evidence,
         s.samples, a.id AS analysis_id
  FROM alloc_site s
  JOIN analysis a ON a.id = s.analysis_id
  LEFT JOIN cause c ON c.cause = s.cause
  WHERE a.id = (SELECT max(id) FROM analysis WHERE profile_id = a.profile_id);

CREATE VIEW causes AS
  SELECT cause, title, hint FROM cause ORDER BY rank;

-- flow_steps gains the line as printed
DROP VIEW flow_steps;
CREATE VIEW flow_steps AS
  SELECT build_id, diag_id, seq, kind, dst, src, derefs, why, expr, file, line, col, text
  FROM flow_step;
