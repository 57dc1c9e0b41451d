-- version 8: a sample holds the values of the first four sample types, the rest go to
-- sample_value_x. A Go heap profile has four types, and the four more columns every
-- sample left empty cost a byte each, an eighth of a stored sample. (A heap type past the
-- eighth, which version 7 did not place, stays unplaced: profile.ix_* are as they were.)
-- A function's file is no longer indexed: the index cost as much as the functions
-- themselves, and only the removal of a profile asked it which strings are still some
-- function's file, which one pass over the functions kept answers as well (once per
-- removal, not once per string).

DROP TRIGGER profile_shared_rows;
DROP VIEW frames;
DROP VIEW sample_labels;
DROP VIEW sample_values;
DROP VIEW heap_samples;

CREATE TABLE sample_v8 (
  profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL,
  stack_id INTEGER NOT NULL,
  object_size INTEGER,
  v0 INTEGER, v1 INTEGER, v2 INTEGER, v3 INTEGER,
  PRIMARY KEY (profile_id, sample_id)
) WITHOUT ROWID;
INSERT INTO sample_v8
  SELECT profile_id, sample_id, stack_id, object_size, v0, v1, v2, v3 FROM sample
  ORDER BY profile_id, sample_id;
INSERT INTO sample_value_x SELECT profile_id, sample_id, 4, v4 FROM sample WHERE v4 IS NOT NULL;
INSERT INTO sample_value_x SELECT profile_id, sample_id, 5, v5 FROM sample WHERE v5 IS NOT NULL;
INSERT INTO sample_value_x SELECT profile_id, sample_id, 6, v6 FROM sample WHERE v6 IS NOT NULL;
INSERT INTO sample_value_x SELECT profile_id, sample_id, 7, v7 FROM sample WHERE v7 IS NOT NULL;
DROP TABLE sample;
ALTER TABLE sample_v8 RENAME TO sample;

DROP INDEX func_by_file;

-- as in version 7, but a string that is still some function's file is found in one pass
-- over the functions kept
CREATE TRIGGER profile_shared_rows BEFORE DELETE ON profile BEGIN
  UPDATE stack SET refs = refs - 1
    WHERE id IN (SELECT stack_id FROM sample WHERE profile_id = old.id);
  DELETE FROM stack WHERE refs = 0;
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
    AND id NOT IN (SELECT file_id FROM func WHERE refs > 0)
    AND id NOT IN (SELECT key_id FROM sample_label WHERE profile_id != old.id
                   UNION ALL SELECT str_id FROM sample_label
                             WHERE profile_id != old.id AND str_id IS NOT NULL
                   UNION ALL SELECT unit_id FROM sample_label
                             WHERE profile_id != old.id AND unit_id IS NOT NULL);
  DELETE FROM func WHERE refs = 0;
END;

-- the views over sample again: as version 7 had them, values past the fourth from
-- sample_value_x
CREATE VIEW sample_values AS
  SELECT s.profile_id, s.sample_id, t.type,
         CASE t.idx WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
                    ELSE (SELECT x.value FROM sample_value_x x
                          WHERE x.profile_id = s.profile_id AND x.sample_id = s.sample_id
                            AND x.idx = t.idx) END AS value
  FROM sample s JOIN sample_type t ON t.profile_id = s.profile_id;

CREATE VIEW heap_samples AS
  SELECT s.profile_id, s.sample_id, s.stack_id,
    CASE p.ix_alloc_objects WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      ELSE (SELECT x.value FROM sample_value_x x WHERE x.profile_id = s.profile_id
            AND x.sample_id = s.sample_id AND x.idx = p.ix_alloc_objects) END AS alloc_objects,
    CASE p.ix_alloc_space WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      ELSE (SELECT x.value FROM sample_value_x x WHERE x.profile_id = s.profile_id
            AND x.sample_id = s.sample_id AND x.idx = p.ix_alloc_space) END AS alloc_space,
    CASE p.ix_inuse_objects WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      ELSE (SELECT x.value FROM sample_value_x x WHERE x.profile_id = s.profile_id
            AND x.sample_id = s.sample_id AND x.idx = p.ix_inuse_objects) END AS inuse_objects,
    CASE p.ix_inuse_space WHEN 0 THEN s.v0 WHEN 1 THEN s.v1 WHEN 2 THEN s.v2 WHEN 3 THEN s.v3
      ELSE (SELECT x.value FROM sample_value_x x WHERE x.profile_id = s.profile_id
            AND x.sample_id = s.sample_id AND x.idx = p.ix_inuse_space) END AS inuse_space,
    s.object_size
  FROM sample s JOIN profile p ON p.id = s.profile_id
  WHERE coalesce(p.ix_alloc_objects, p.ix_alloc_space, p.ix_inuse_objects,
                 p.ix_inuse_space) IS NOT NULL;

CREATE VIEW frames AS
  SELECT ps.profile_id, ps.stack_id,
         row_number() OVER (PARTITION BY ps.profile_id, ps.stack_id ORDER BY sl.key, ll.key) - 1
           AS depth,
         n.s AS function, fl.s AS file, jl.value AS line, jc.value AS "column",
         ll.key < (SELECT count(*) FROM json_each(l.lines)) - 1 AS inlined
  FROM (SELECT DISTINCT profile_id, stack_id FROM sample) ps
  JOIN json_each((WITH RECURSIVE chain (node, part, locs) AS (
                    SELECT parent, 0, locs FROM stack WHERE id = ps.stack_id
                    UNION ALL
                    SELECT s.parent, c.part + 1, s.locs FROM chain c JOIN stack s ON s.id = c.node)
                  SELECT '[' || coalesce(group_concat(nullif(substr(locs, 2, length(locs) - 2), '')), '')
                         || ']'
                  FROM (SELECT locs FROM chain ORDER BY part))) sl
  JOIN location l ON l.id = sl.value
  JOIN json_each(l.lines) ll JOIN json_each(ll.value, '$[0]') jf
  JOIN json_each(ll.value, '$[1]') jl JOIN json_each(ll.value, '$[2]') jc
  JOIN func fn ON fn.id = jf.value JOIN str n ON n.id = fn.name_id
  JOIN str fl ON fl.id = fn.file_id;

CREATE VIEW sample_labels AS
  SELECT l.profile_id, l.sample_id, k.s AS key, v.s AS str, l.num, u.s AS unit
  FROM sample_label l JOIN str k ON k.id = l.key_id
  LEFT JOIN str v ON v.id = l.str_id LEFT JOIN str u ON u.id = l.unit_id
  UNION ALL
  SELECT profile_id, sample_id, 'bytes', NULL, object_size, NULL
  FROM sample WHERE object_size IS NOT NULL;
