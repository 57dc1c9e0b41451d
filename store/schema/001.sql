-- 001.sql — the escprof store, version 1: profiles and compiler diagnostics. Tables are
-- internal (strings interned, stacks deduplicated by a content hash, sample values
-- wide); the views are the public contract documented in README.md. Each file of
-- store/schema/ is one migration; PRAGMA user_version counts the files applied.

CREATE TABLE str (
  id INTEGER PRIMARY KEY,
  s TEXT NOT NULL UNIQUE
);

-- a function as profiles name it: (name, file) interned
CREATE TABLE func (
  id INTEGER PRIMARY KEY,
  name_id INTEGER NOT NULL REFERENCES str(id),
  file_id INTEGER NOT NULL REFERENCES str(id),
  UNIQUE (name_id, file_id)
);

-- a call stack, leaf first, inlined frames expanded innermost first
CREATE TABLE stack (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  depth INTEGER NOT NULL
);

CREATE TABLE stack_frame (
  stack_id INTEGER NOT NULL REFERENCES stack(id),
  depth INTEGER NOT NULL,
  func_id INTEGER NOT NULL REFERENCES func(id),
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  inlined INTEGER NOT NULL,
  PRIMARY KEY (stack_id, depth)
) WITHOUT ROWID;

CREATE TABLE profile (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  time_nanos INTEGER NOT NULL,
  duration_nanos INTEGER NOT NULL,
  period_type TEXT NOT NULL,
  period_unit TEXT NOT NULL,
  period INTEGER NOT NULL,
  default_sample_type TEXT,
  loaded_at TEXT NOT NULL,
  nsamples INTEGER NOT NULL,
  -- where the four Go heap types sit among the sample types (NULL when absent)
  ix_alloc_objects INTEGER,
  ix_alloc_space INTEGER,
  ix_inuse_objects INTEGER,
  ix_inuse_space INTEGER
);

CREATE TABLE profile_label (
  profile_id INTEGER NOT NULL REFERENCES profile(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (profile_id, key, value)
) WITHOUT ROWID;

CREATE TABLE sample_type (
  profile_id INTEGER NOT NULL REFERENCES profile(id),
  idx INTEGER NOT NULL,
  type TEXT NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (profile_id, idx)
) WITHOUT ROWID;

CREATE TABLE profile_stack (
  profile_id INTEGER NOT NULL REFERENCES profile(id),
  stack_id INTEGER NOT NULL REFERENCES stack(id),
  PRIMARY KEY (profile_id, stack_id)
) WITHOUT ROWID;

-- values of the first eight sample types inline, the rest in sample_value_x;
-- object_size is the numeric `bytes` label Go puts on heap samples
CREATE TABLE sample (
  profile_id INTEGER NOT NULL REFERENCES profile(id),
  sample_id INTEGER NOT NULL,
  stack_id INTEGER NOT NULL REFERENCES stack(id),
  object_size INTEGER,
  v0 INTEGER, v1 INTEGER, v2 INTEGER, v3 INTEGER,
  v4 INTEGER, v5 INTEGER, v6 INTEGER, v7 INTEGER,
  PRIMARY KEY (profile_id, sample_id)
) WITHOUT ROWID;

CREATE TABLE sample_value_x (
  profile_id INTEGER NOT NULL,
  sample_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (profile_id, sample_id, idx)
) WITHOUT ROWID;

CREATE TABLE sample_label (
  profile_id INTEGER NOT NULL,
  sample_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL REFERENCES str(id),
  str_id INTEGER REFERENCES str(id),
  num INTEGER,
  unit_id INTEGER REFERENCES str(id)
);
CREATE INDEX sample_label_by_sample ON sample_label (profile_id, sample_id);

-- compiler diagnostics
CREATE TABLE build (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  go_version TEXT,
  loaded_at TEXT NOT NULL
);

CREATE TABLE diagnostic (
  build_id INTEGER NOT NULL REFERENCES build(id),
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
  PRIMARY KEY (build_id, diag_id, seq)
) WITHOUT ROWID;

-- public views ------------------------------------------------------------------

CREATE VIEW profiles AS
  SELECT id AS profile_id, name, source, sha256, format, time_nanos, duration_nanos,
         period_type, period_unit, period, default_sample_type, loaded_at
  FROM profile;

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
  SELECT ps.profile_id, ps.stack_id, f.depth, n.s AS function, fl.s AS file, f.line,
         f.col AS "column", f.inlined
  FROM profile_stack ps JOIN stack_frame f ON f.stack_id = ps.stack_id
  JOIN func fn ON fn.id = f.func_id JOIN str n ON n.id = fn.name_id
  JOIN str fl ON fl.id = fn.file_id;

CREATE VIEW builds AS
  SELECT id AS build_id, name, source, go_version, loaded_at FROM build;

CREATE VIEW diagnostics AS
  SELECT build_id, diag_id, package, file, line, col, kind, subject, func, message
  FROM diagnostic;

CREATE VIEW flow_steps AS
  SELECT build_id, diag_id, seq, kind, dst, src, derefs, why, expr, file, line, col
  FROM flow_step;

