-- 006.sql — version 6: nothing is left hanging. Every row that hangs from a profile, a
-- build or an analysis names its parent in a FOREIGN KEY ... ON DELETE CASCADE (SQLite
-- declares foreign keys only when a table is made, so those tables are rebuilt, rows
-- whose parent is already gone left behind), and escprof turns foreign keys on for
-- every connection. Deleting a profile also removes the shared rows (stacks, locations,
-- functions, strings) that no other profile holds: a trigger on profile, so that
-- `escprof rm`, `prune` and a DELETE typed in `escprof sql --write` do the same. The
-- shared rows are found by what refers to them, not by a scan of the store: a stack, a
-- location and a function by a count of the profiles, stacks and locations holding them
-- (refs), a string by the functions
-- naming it (indexed) and by the sample labels (scanned: Go heap profiles have none).
-- Deleting a build removes the analyses made with it. The profiles and builds views
-- delete through to their tables. A profile or a build may carry several names: a name
-- means the one it was given to last.

-- the views over the tables rebuilt here go first (a rename checks every view)
DROP VIEW profile_labels;
DROP VIEW sample_types;
DROP VIEW sample_values;
DROP VIEW heap_samples;
DROP VIEW sample_labels;
DROP VIEW frames;
DROP VIEW diagnostics;
DROP VIEW flow_steps;
DROP VIEW alloc_sites;

-- renamed first, so that the old children follow their old parents and the new tables
-- can take the names; dropped children first at the end
ALTER TABLE profile_label RENAME TO v5_profile_label;
ALTER TABLE sample_type RENAME TO v5_sample_type;
ALTER TABLE profile_stack RENAME TO v5_profile_stack;
ALTER TABLE sample RENAME TO v5_sample;
ALTER TABLE sample_value_x RENAME TO v5_sample_value_x;
DROP INDEX sample_label_by_sample;
ALTER TABLE sample_label RENAME TO v5_sample_label;
DROP INDEX diagnostic_by_line;
ALTER TABLE diagnostic RENAME TO v5_diagnostic;
ALTER TABLE flow_step RENAME TO v5_flow_step;
ALTER TABLE analysis RENAME TO v5_analysis;
ALTER TABLE alloc_site RENAME TO v5_alloc_site;
ALTER TABLE analysis_build RENAME TO v5_analysis_build;
ALTER TABLE func RENAME TO v5_func;

-- a function as profiles name it; refs: how many lines of stored locations name it.
-- The strings' keys are checked at commit, so that one statement may remove a string
-- and then the function that named it.
CREATE TABLE func (
  id INTEGER PRIMARY KEY,
  name_id INTEGER NOT NULL REFERENCES str(id) DEFERRABLE INITIALLY DEFERRED,
  file_id INTEGER NOT NULL REFERENCES str(id) DEFERRABLE INITIALLY DEFERRED,
  refs INTEGER NOT NULL DEFAULT 0,
  UNIQUE (name_id, file_id)
);
CREATE INDEX func_by_file ON func (file_id);
CREATE INDEX func_unused ON func (id) WHERE refs = 0;
INSERT INTO func (id, name_id, file_id)
  SELECT id, name_id, file_id FROM v5_func
  WHERE name_id IN (SELECT id FROM str) AND file_id IN (SELECT id FROM str) ORDER BY id;

-- refs: how many times stored stacks list the location
ALTER TABLE location ADD COLUMN refs INTEGER NOT NULL DEFAULT 0;
CREATE INDEX location_unused ON location (id) WHERE refs = 0;

CREATE TABLE profile_label (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (profile_id, key, value)
) WITHOUT ROWID;
INSERT INTO profile_label
  SELECT * FROM v5_profile_label WHERE profile_id IN (SELECT id FROM profile);

CREATE TABLE sample_type (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  type TEXT NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (profile_id, idx)
) WITHOUT ROWID;
INSERT INTO sample_type
  SELECT * FROM v5_sample_type WHERE profile_id IN (SELECT id FROM profile);

-- stack_id is no declared key: a stack is removed only when no profile links it
CREATE TABLE profile_stack (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  stack_id INTEGER NOT NULL,
  PRIMARY KEY (profile_id, stack_id)
) WITHOUT ROWID;
INSERT INTO profile_stack
  SELECT * FROM v5_profile_stack WHERE profile_id IN (SELECT id FROM profile);

CREATE TABLE sample (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL,
  stack_id INTEGER NOT NULL,
  object_size INTEGER,
  v0 INTEGER, v1 INTEGER, v2 INTEGER, v3 INTEGER,
  v4 INTEGER, v5 INTEGER, v6 INTEGER, v7 INTEGER,
  PRIMARY KEY (profile_id, sample_id)
) WITHOUT ROWID;
INSERT INTO sample
  SELECT * FROM v5_sample WHERE profile_id IN (SELECT id FROM profile);

CREATE TABLE sample_value_x (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (profile_id, sample_id, idx)
) WITHOUT ROWID;
INSERT INTO sample_value_x
  SELECT * FROM v5_sample_value_x WHERE profile_id IN (SELECT id FROM profile);

-- the strings are no declared keys: a string is removed only when nothing names it
CREATE TABLE sample_label (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  str_id INTEGER,
  num INTEGER,
  unit_id INTEGER
);
INSERT INTO sample_label
  SELECT * FROM v5_sample_label WHERE profile_id IN (SELECT id FROM profile);
CREATE INDEX sample_label_by_sample ON sample_label (profile_id, sample_id);

CREATE TABLE diagnostic (
  build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
  diag_id INTEGER NOT NULL,
  package TEXT,
  file TEXT NOT NULL,		-- as printed
  norm_file TEXT NOT NULL,	-- normalised for joining
  line INTEGER NOT NULL,
  col INTEGER,
  kind TEXT NOT NULL,
  subject TEXT,
  func TEXT,
  message TEXT NOT NULL,
  PRIMARY KEY (build_id, diag_id)
) WITHOUT ROWID;
INSERT INTO diagnostic
  SELECT * FROM v5_diagnostic WHERE build_id IN (SELECT id FROM build);
CREATE INDEX diagnostic_by_line ON diagnostic (line, norm_file);

CREATE TABLE flow_step (
  build_id INTEGER NOT NULL,
  diag_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  dst TEXT,
  src TEXT,
  derefs INTEGER,
  why TEXT,
  expr TEXT,
  file TEXT,
  line INTEGER,
  col INTEGER,
  text TEXT NOT NULL,
  PRIMARY KEY (build_id, diag_id, seq),
  FOREIGN KEY (build_id, diag_id) REFERENCES diagnostic (build_id, diag_id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO flow_step
  SELECT f.* FROM v5_flow_step f
  WHERE EXISTS (SELECT 1 FROM diagnostic d WHERE d.build_id = f.build_id AND d.diag_id = f.diag_id);

CREATE TABLE analysis (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
INSERT INTO analysis
  SELECT * FROM v5_analysis WHERE profile_id IN (SELECT id FROM profile) ORDER BY id;
CREATE INDEX analysis_by_profile ON analysis (profile_id);

-- build_id, diag_id: the diagnostic joined; an analysis goes with the builds it was given
CREATE TABLE alloc_site (
  analysis_id INTEGER NOT NULL REFERENCES analysis(id) ON DELETE CASCADE,
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
INSERT INTO alloc_site
  SELECT * FROM v5_alloc_site WHERE analysis_id IN (SELECT id FROM analysis);

CREATE TABLE analysis_build (
  analysis_id INTEGER NOT NULL REFERENCES analysis(id) ON DELETE CASCADE,
  build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,		-- 1-based: the order the builds were given in
  lines INTEGER,		-- the profile's lines in packages the build covers; NULL: not measured
  matched INTEGER,		-- of those, where the build has a diagnostic
  used INTEGER NOT NULL,	-- 1 when the analysis joined this build's diagnostics
  PRIMARY KEY (analysis_id, build_id)
) WITHOUT ROWID;
INSERT INTO analysis_build
  SELECT * FROM v5_analysis_build
  WHERE analysis_id IN (SELECT id FROM analysis) AND build_id IN (SELECT id FROM build);
CREATE INDEX analysis_build_by_build ON analysis_build (build_id);

DROP TABLE v5_alloc_site;
DROP TABLE v5_analysis_build;
DROP TABLE v5_analysis;
DROP TABLE v5_flow_step;
DROP TABLE v5_diagnostic;
DROP TABLE v5_sample_label;
DROP TABLE v5_sample_value_x;
DROP TABLE v5_sample;
DROP TABLE v5_profile_stack;
DROP TABLE v5_sample_type;
DROP TABLE v5_profile_label;
DROP TABLE v5_func;

-- refs: how many profiles link the stack (an index of profile_stack by stack would cost
-- every load and the store's size more than the count does); a stack no profile links
-- (left by an earlier version) goes now
ALTER TABLE stack ADD COLUMN refs INTEGER NOT NULL DEFAULT 0;
UPDATE stack SET refs = d.n
  FROM (SELECT stack_id, count(*) AS n FROM profile_stack GROUP BY stack_id) AS d
  WHERE stack.id = d.stack_id;
DELETE FROM stack WHERE refs = 0;

UPDATE location SET refs = d.n
  FROM (SELECT j.value AS id, count(*) AS n FROM stack s JOIN json_each(s.locs) j
        GROUP BY j.value) AS d
  WHERE location.id = d.id;
UPDATE func SET refs = d.n
  FROM (SELECT jf.value AS id, count(*) AS n
        FROM location l JOIN json_each(l.lines) ll JOIN json_each(ll.value, '$[0]') jf
        GROUP BY jf.value) AS d
  WHERE func.id = d.id;

-- names: a profile or build has the name it was stored with and each name a later load
-- of the same bytes gave it; seq orders the naming, so a name means the one named last
CREATE TABLE profile_name (
  seq INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  UNIQUE (profile_id, name)
);
CREATE INDEX profile_name_by_name ON profile_name (name, seq);
INSERT INTO profile_name (profile_id, name) SELECT id, name FROM profile ORDER BY id;

CREATE TABLE build_name (
  seq INTEGER PRIMARY KEY,
  build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  UNIQUE (build_id, name)
);
CREATE INDEX build_name_by_name ON build_name (name, seq);
INSERT INTO build_name (build_id, name) SELECT id, name FROM build ORDER BY id;

-- the shared rows only this profile holds go with it: the stacks no other profile
-- links give back their locations, the locations no stack lists give back their
-- functions, and the strings of those functions and of this profile's labels go when
-- no function kept names them and no other profile's label holds them
CREATE TRIGGER profile_shared_rows BEFORE DELETE ON profile BEGIN
  UPDATE stack SET refs = refs - 1
    WHERE id IN (SELECT stack_id FROM profile_stack WHERE profile_id = old.id);
  UPDATE location SET refs = location.refs - d.n
    FROM (SELECT j.value AS id, count(*) AS n
          FROM profile_stack ps JOIN stack s ON s.id = ps.stack_id JOIN json_each(s.locs) j
          WHERE ps.profile_id = old.id AND s.refs = 0
          GROUP BY j.value) AS d
    WHERE location.id = d.id;
  DELETE FROM stack
    WHERE id IN (SELECT stack_id FROM profile_stack WHERE profile_id = old.id) AND refs = 0;
  UPDATE func SET refs = func.refs - d.n
    FROM (SELECT jf.value AS id, count(*) AS n
          FROM location l JOIN json_each(l.lines) ll JOIN json_each(ll.value, '$[0]') jf
          WHERE l.refs = 0
          GROUP BY jf.value) AS d
    WHERE func.id = d.id;
  DELETE FROM location WHERE refs = 0;
  DELETE FROM str WHERE id IN
      (SELECT name_id FROM func WHERE refs = 0 UNION SELECT file_id FROM func WHERE refs = 0
       UNION SELECT key_id FROM sample_label WHERE profile_id = old.id
       UNION SELECT str_id FROM sample_label WHERE profile_id = old.id
       UNION SELECT unit_id FROM sample_label WHERE profile_id = old.id)
    AND NOT EXISTS (SELECT 1 FROM func f WHERE f.name_id = str.id AND f.refs > 0)
    AND NOT EXISTS (SELECT 1 FROM func f WHERE f.file_id = str.id AND f.refs > 0)
    AND id NOT IN (SELECT key_id FROM sample_label WHERE profile_id != old.id
                   UNION ALL SELECT str_id FROM sample_label
                             WHERE profile_id != old.id AND str_id IS NOT NULL
                   UNION ALL SELECT unit_id FROM sample_label
                             WHERE profile_id != old.id AND unit_id IS NOT NULL);
  DELETE FROM func WHERE refs = 0;
END;

-- an analysis made with a build cannot stand without it (its sites name its diagnostics)
CREATE TRIGGER build_analyses BEFORE DELETE ON build BEGIN
  DELETE FROM analysis WHERE id IN (SELECT analysis_id FROM analysis_build WHERE build_id = old.id);
END;

-- the views again, as version 5 had them
CREATE VIEW profile_labels AS
  SELECT profile_id, key, value FROM profile_label;

CREATE VIEW sample_types AS
  SELECT profile_id, idx, type, unit FROM sample_type;

CREATE VIEW sample_values AS
  SELECT s.profile_id, s.sample_id, t.type,
         CASE t.idx WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
                    WHEN 4 THEN s.v4 WHEN 5 THEN s.v5 WHEN 6 THEN s.v6 WHEN 7 THEN s.v7
                    ELSE (SELECT x.value FROM sample_value_x x
                          WHERE x.profile_id = s.profile_id AND x.sample_id = s.sample_id
                            AND x.idx = t.idx) END AS value
  FROM sample s JOIN sample_type t ON t.profile_id = s.profile_id;

CREATE VIEW heap_samples AS
  SELECT s.profile_id, s.sample_id, s.stack_id,
    CASE p.ix_alloc_objects WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      WHEN 4 THEN s.v4 WHEN 5 THEN s.v5 WHEN 6 THEN s.v6 WHEN 7 THEN s.v7 END AS alloc_objects,
    CASE p.ix_alloc_space WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      WHEN 4 THEN s.v4 WHEN 5 THEN s.v5 WHEN 6 THEN s.v6 WHEN 7 THEN s.v7 END AS alloc_space,
    CASE p.ix_inuse_objects WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      WHEN 4 THEN s.v4 WHEN 5 THEN s.v5 WHEN 6 THEN s.v6 WHEN 7 THEN s.v7 END AS inuse_objects,
    CASE p.ix_inuse_space WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      WHEN 4 THEN s.v4 WHEN 5 THEN s.v5 WHEN 6 THEN s.v6 WHEN 7 THEN s.v7 END AS inuse_space,
    s.object_size
  FROM sample s JOIN profile p ON p.id = s.profile_id
  WHERE coalesce(p.ix_alloc_objects, p.ix_alloc_space, p.ix_inuse_objects,
                 p.ix_inuse_space) IS NOT NULL;

CREATE VIEW sample_labels AS
  SELECT l.profile_id, l.sample_id, k.s AS key, v.s AS str, l.num, u.s AS unit
  FROM sample_label l JOIN str k ON k.id = l.key_id
  LEFT JOIN str v ON v.id = l.str_id LEFT JOIN str u ON u.id = l.unit_id
  UNION ALL
  SELECT profile_id, sample_id, 'bytes', NULL, object_size, NULL
  FROM sample WHERE object_size IS NOT NULL;

CREATE VIEW frames AS
  SELECT ps.profile_id, ps.stack_id,
         row_number() OVER (PARTITION BY ps.profile_id, ps.stack_id ORDER BY sl.key, ll.key) - 1
           AS depth,
         n.s AS function, fl.s AS file, jl.value AS line, jc.value AS "column",
         ll.key < (SELECT count(*) FROM json_each(l.lines)) - 1 AS inlined
  FROM profile_stack ps JOIN stack s ON s.id = ps.stack_id
  JOIN json_each(s.locs) sl JOIN location l ON l.id = sl.value
  JOIN json_each(l.lines) ll JOIN json_each(ll.value, '$[0]') jf
  JOIN json_each(ll.value, '$[1]') jl JOIN json_each(ll.value, '$[2]') jc
  JOIN func fn ON fn.id = jf.value JOIN str n ON n.id = fn.name_id
  JOIN str fl ON fl.id = fn.file_id;

CREATE VIEW diagnostics AS
  SELECT build_id, diag_id, package, file, line, col, kind, subject, func, message
  FROM diagnostic;

CREATE VIEW flow_steps AS
  SELECT build_id, diag_id, seq, kind, dst, src, derefs, why, expr, file, line, col, text
  FROM flow_step;

CREATE VIEW alloc_sites AS
  SELECT a.profile_id, s.build_id, s.site_id, s.function, s.package, s.file, s.line,
         s.alloc_objects, s.alloc_space, s.inuse_objects, s.inuse_space, s.cause,
         s.confidence, s.diag_id, s.attributed_via, c.hint, s.decisive_seq, s.evidence,
         s.samples, a.id AS analysis_id
  FROM alloc_site s
  JOIN analysis a ON a.id = s.analysis_id
  LEFT JOIN cause c ON c.cause = s.cause
  WHERE a.id = (SELECT max(id) FROM analysis WHERE profile_id = a.profile_id);

CREATE VIEW profile_names AS
  SELECT profile_id, name FROM profile_name;

CREATE VIEW build_names AS
  SELECT build_id, name FROM build_name;

-- DELETE FROM profiles / builds WHERE ... removes them as escprof rm does
CREATE TRIGGER profiles_delete INSTEAD OF DELETE ON profiles BEGIN
  DELETE FROM profile WHERE id = old.profile_id;
END;

CREATE TRIGGER builds_delete INSTEAD OF DELETE ON builds BEGIN
  DELETE FROM build WHERE id = old.build_id;
END;
