-- escprof's schema on PostgreSQL, version 1: the tables of the SQLite store (version 8),
-- laid out for a fleet. Every row that belongs to one profile carries profile_id, first in
-- its key, so that one profile's rows live together (and are the distribution key under
-- Citus); a build's diagnostics carry build_id the same way. The strings, functions,
-- locations and stack nodes a profile references are its own rows, under the ids its load
-- drew for them, rather than shared with other profiles through reference counts: shared
-- rows would tie every shard to every other and make a removal a scan of the fleet; a
-- profile's own rows go with one DELETE of its profile row. The public views have the
-- SQLite store's names, columns and rows.

CREATE TABLE escprof_schema (
  version integer NOT NULL
);
INSERT INTO escprof_schema VALUES (1);

CREATE TABLE profile (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  source text NOT NULL,
  sha256 text NOT NULL UNIQUE,
  format text NOT NULL,
  time_nanos bigint NOT NULL,
  duration_nanos bigint NOT NULL,
  period_type text NOT NULL,
  period_unit text NOT NULL,
  period bigint NOT NULL,
  default_sample_type text,
  loaded_at text NOT NULL,
  nsamples bigint NOT NULL,
  ix_alloc_objects integer,
  ix_alloc_space integer,
  ix_inuse_objects integer,
  ix_inuse_space integer
);
CREATE INDEX profile_by_loaded_at ON profile (loaded_at, id);

CREATE TABLE profile_name (
  seq bigserial PRIMARY KEY,
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  name text NOT NULL,
  UNIQUE (profile_id, name)
);
CREATE INDEX profile_name_by_name ON profile_name (name, seq);

CREATE TABLE profile_label (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (profile_id, key, value)
);
CREATE INDEX profile_label_by_value ON profile_label (key, value);

CREATE TABLE sample_type (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  idx integer NOT NULL,
  type text NOT NULL,
  unit text NOT NULL,
  PRIMARY KEY (profile_id, idx)
);

CREATE TABLE str (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  id bigint NOT NULL,
  s text NOT NULL,
  PRIMARY KEY (profile_id, id)
);

CREATE TABLE func (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  id bigint NOT NULL,
  name_id bigint NOT NULL,
  file_id bigint NOT NULL,
  PRIMARY KEY (profile_id, id)
);

-- lines: a JSON array of [function id, line, column], the innermost (inlined) first
CREATE TABLE location (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  id bigint NOT NULL,
  lines text NOT NULL,
  PRIMARY KEY (profile_id, id)
);

-- a node of the profile's stacks: its locations (a JSON array, leaf first), then its parent's
CREATE TABLE stack (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  id bigint NOT NULL,
  parent bigint,
  depth integer NOT NULL,
  locs text NOT NULL,
  PRIMARY KEY (profile_id, id)
);

CREATE TABLE sample (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  sample_id bigint NOT NULL,
  stack_id bigint NOT NULL,
  object_size bigint,
  v0 bigint, v1 bigint, v2 bigint, v3 bigint,
  PRIMARY KEY (profile_id, sample_id)
);

CREATE TABLE sample_value_x (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  sample_id bigint NOT NULL,
  idx integer NOT NULL,
  value bigint NOT NULL,
  PRIMARY KEY (profile_id, sample_id, idx)
);

CREATE TABLE sample_label (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  sample_id bigint NOT NULL,
  key_id bigint NOT NULL,
  str_id bigint,
  num bigint,
  unit_id bigint
);
CREATE INDEX sample_label_by_sample ON sample_label (profile_id, sample_id);

CREATE TABLE build (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  source text NOT NULL,
  sha256 text NOT NULL UNIQUE,
  go_version text,
  loaded_at text NOT NULL
);

CREATE TABLE build_name (
  seq bigserial PRIMARY KEY,
  build_id bigint NOT NULL REFERENCES build (id) ON DELETE CASCADE,
  name text NOT NULL,
  UNIQUE (build_id, name)
);
CREATE INDEX build_name_by_name ON build_name (name, seq);

CREATE TABLE diagnostic (
  build_id bigint NOT NULL REFERENCES build (id) ON DELETE CASCADE,
  diag_id bigint NOT NULL,
  package text,
  file text NOT NULL,
  norm_file text NOT NULL,
  line bigint NOT NULL,
  col bigint,
  kind text NOT NULL,
  subject text,
  func text,
  message text NOT NULL,
  PRIMARY KEY (build_id, diag_id)
);

CREATE TABLE flow_step (
  build_id bigint NOT NULL REFERENCES build (id) ON DELETE CASCADE,
  diag_id bigint NOT NULL,
  seq integer NOT NULL,
  kind text NOT NULL,
  dst text,
  src text,
  derefs bigint,
  why text,
  expr text,
  file text,
  line bigint,
  col bigint,
  text text NOT NULL,
  PRIMARY KEY (build_id, diag_id, seq)
);

CREATE TABLE cause (
  cause text PRIMARY KEY,
  title text NOT NULL,
  hint text NOT NULL,
  rank integer NOT NULL
);

CREATE TABLE analysis (
  id bigserial PRIMARY KEY,
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  created_at text NOT NULL
);
CREATE INDEX analysis_by_profile ON analysis (profile_id, id);

CREATE TABLE alloc_site (
  profile_id bigint NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
  analysis_id bigint NOT NULL REFERENCES analysis (id) ON DELETE CASCADE,
  site_id bigint NOT NULL,
  function text NOT NULL,
  package text,
  file text NOT NULL,
  line bigint NOT NULL,
  alloc_objects bigint,
  alloc_space bigint,
  inuse_objects bigint,
  inuse_space bigint,
  cause text NOT NULL,
  confidence double precision NOT NULL,
  build_id bigint,
  diag_id bigint,
  attributed_via text,
  samples bigint NOT NULL,
  decisive_seq integer,
  evidence text,
  PRIMARY KEY (profile_id, analysis_id, site_id)
);

CREATE TABLE analysis_build (
  analysis_id bigint NOT NULL REFERENCES analysis (id) ON DELETE CASCADE,
  build_id bigint NOT NULL REFERENCES build (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  lines bigint,
  matched bigint,
  used integer NOT NULL,
  PRIMARY KEY (analysis_id, build_id)
);
CREATE INDEX analysis_build_by_build ON analysis_build (build_id);

-- the analyses made with a build go with it
CREATE FUNCTION escprof_build_analyses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analysis WHERE id IN (SELECT analysis_id FROM analysis_build WHERE build_id = OLD.id);
  RETURN OLD;
END $$;
CREATE TRIGGER build_analyses BEFORE DELETE ON build
  FOR EACH ROW EXECUTE FUNCTION escprof_build_analyses();

-- ---- the public views: the SQLite store's, column for column ----

CREATE VIEW profiles AS
  SELECT id AS profile_id, name, source, sha256, format, time_nanos, duration_nanos,
         period_type, period_unit, period, default_sample_type, loaded_at
  FROM profile;
CREATE VIEW builds AS
  SELECT id AS build_id, name, source, go_version, loaded_at FROM build;
CREATE VIEW causes AS
  SELECT cause, title, hint FROM cause ORDER BY rank;
CREATE VIEW profile_labels AS
  SELECT profile_id, key, value FROM profile_label;
CREATE VIEW sample_types AS
  SELECT profile_id, idx, type, unit FROM sample_type;
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

CREATE VIEW sample_values AS
  SELECT s.profile_id, s.sample_id, t.type,
         CASE t.idx WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
                    ELSE (SELECT x.value FROM sample_value_x x
                          WHERE x.profile_id = s.profile_id AND x.sample_id = s.sample_id
                            AND x.idx = t.idx) END AS value
  FROM sample s JOIN sample_type t ON t.profile_id = s.profile_id;

CREATE FUNCTION escprof_sample_value(s sample, ix integer) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT CASE ix WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
    ELSE (SELECT x.value FROM sample_value_x x WHERE x.profile_id = s.profile_id
          AND x.sample_id = s.sample_id AND x.idx = ix) END
$$;

CREATE VIEW heap_samples AS
  SELECT s.profile_id, s.sample_id, s.stack_id,
         escprof_sample_value(s, p.ix_alloc_objects) AS alloc_objects,
         escprof_sample_value(s, p.ix_alloc_space) AS alloc_space,
         escprof_sample_value(s, p.ix_inuse_objects) AS inuse_objects,
         escprof_sample_value(s, p.ix_inuse_space) AS inuse_space,
         s.object_size
  FROM sample s JOIN profile p ON p.id = s.profile_id
  WHERE coalesce(p.ix_alloc_objects, p.ix_alloc_space, p.ix_inuse_objects,
                 p.ix_inuse_space) IS NOT NULL;

-- each stack a sample has, walked from its node to the root, every location's lines
-- innermost first; depth counts from the leaf
CREATE VIEW frames AS
  WITH RECURSIVE ps AS (SELECT DISTINCT profile_id, stack_id FROM sample),
  chain (profile_id, stack_id, part, parent, locs) AS (
    SELECT ps.profile_id, ps.stack_id, 0, st.parent, st.locs
    FROM ps JOIN stack st ON st.profile_id = ps.profile_id AND st.id = ps.stack_id
    UNION ALL
    SELECT c.profile_id, c.stack_id, c.part + 1, st.parent, st.locs
    FROM chain c JOIN stack st ON st.profile_id = c.profile_id AND st.id = c.parent)
  SELECT c.profile_id, c.stack_id,
         row_number() OVER (PARTITION BY c.profile_id, c.stack_id
                            ORDER BY c.part, sl.ord, ll.ord) - 1 AS depth,
         n.s AS function, fl.s AS file, (ll.v ->> 1)::bigint AS line,
         (ll.v ->> 2)::bigint AS "column",
         (ll.ord < jsonb_array_length(l.lines::jsonb))::integer AS inlined
  FROM chain c
  CROSS JOIN LATERAL jsonb_array_elements_text(c.locs::jsonb) WITH ORDINALITY AS sl (loc, ord)
  JOIN location l ON l.profile_id = c.profile_id AND l.id = sl.loc::bigint
  CROSS JOIN LATERAL jsonb_array_elements(l.lines::jsonb) WITH ORDINALITY AS ll (v, ord)
  JOIN func fn ON fn.profile_id = c.profile_id AND fn.id = (ll.v ->> 0)::bigint
  JOIN str n ON n.profile_id = c.profile_id AND n.id = fn.name_id
  JOIN str fl ON fl.profile_id = c.profile_id AND fl.id = fn.file_id;

CREATE VIEW sample_labels AS
  SELECT l.profile_id, l.sample_id, k.s AS key, v.s AS str, l.num, u.s AS unit
  FROM sample_label l JOIN str k ON k.profile_id = l.profile_id AND k.id = l.key_id
  LEFT JOIN str v ON v.profile_id = l.profile_id AND v.id = l.str_id
  LEFT JOIN str u ON u.profile_id = l.profile_id AND u.id = l.unit_id
  UNION ALL
  SELECT profile_id, sample_id, 'bytes', NULL, object_size, NULL
  FROM sample WHERE object_size IS NOT NULL;

-- Under Citus (the extension installed in this database), one profile's rows go to one
-- shard, a build's diagnostics to one shard, and the small tables to every node.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    PERFORM create_reference_table(t) FROM unnest(ARRAY['profile', 'profile_name',
      'build', 'build_name', 'cause', 'analysis', 'analysis_build', 'escprof_schema']) AS t;
    PERFORM create_distributed_table('sample', 'profile_id');
    PERFORM create_distributed_table(t, 'profile_id', colocate_with => 'sample')
      FROM unnest(ARRAY['profile_label', 'sample_type', 'str', 'func', 'location', 'stack',
                        'sample_value_x', 'sample_label', 'alloc_site']) AS t;
    PERFORM create_distributed_table('diagnostic', 'build_id');
    PERFORM create_distributed_table('flow_step', 'build_id', colocate_with => 'diagnostic');
  END IF;
END $$;
