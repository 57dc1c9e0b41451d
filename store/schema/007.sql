-- version 7: stacks share their outer frames, as a tree. A stored stack is a node: the
-- locations it adds (locs, leaf first) below its parent, whose own frames follow them
-- (parent NULL: a root, which holds all of them). A load puts its stacks in the tree
-- pprof's stacks make, cut at the frames where they part, so the outer frames most
-- stacks share are stored once instead of once per stack. A node's id is drawn from a
-- content hash of its frames (probed past taken ids; the content decides, never the
-- hash), so no index of the hashes is kept.
--   depth: the frames of the whole stack (its node and its parents)
--   refs: the profiles whose samples are on the node plus the nodes whose parent it is;
--         a node no profile and no node holds goes, and gives back its parent's count
-- The stacks of version 6 stay as they were, under their ids: roots holding all their
-- locations, filed in stack_alias by the hash a load makes of their path (h, the id
-- that hash draws first), where loads look them up.

DROP TRIGGER profile_shared_rows;
DROP VIEW frames;
DROP VIEW sample_labels;

-- a location is found by a hash of its lines (h: 31 bits, the lines decide), not by an
-- index that repeats them; escprof computes h for an older store's as it migrates it
CREATE TABLE location_v7 (
  id INTEGER PRIMARY KEY,
  lines TEXT NOT NULL,
  refs INTEGER NOT NULL DEFAULT 0,
  h INTEGER NOT NULL DEFAULT 0
);
INSERT INTO location_v7 (id, lines, refs) SELECT id, lines, refs FROM location ORDER BY id;
DROP TABLE location;
ALTER TABLE location_v7 RENAME TO location;
CREATE INDEX location_by_h ON location (h);
CREATE INDEX location_unused ON location (id) WHERE refs = 0;

-- strings take ids drawn the same way from a hash of their text (escprof draws them for
-- the strings of an older store as it migrates it), so no index repeats the text
CREATE TABLE str_v7 (
  id INTEGER PRIMARY KEY,
  s TEXT NOT NULL
);
INSERT INTO str_v7 SELECT id, s FROM str ORDER BY id;
DROP TABLE str;
ALTER TABLE str_v7 RENAME TO str;

CREATE TABLE stack_v7 (
  id INTEGER PRIMARY KEY,
  parent INTEGER,
  depth INTEGER NOT NULL,
  refs INTEGER NOT NULL,
  locs TEXT NOT NULL
);
INSERT INTO stack_v7 SELECT id, NULL, depth, refs, locs FROM stack ORDER BY id;
DROP TABLE stack;
ALTER TABLE stack_v7 RENAME TO stack;
CREATE INDEX stack_unused ON stack (id) WHERE refs = 0;

-- a profile's stacks are its samples' (sample.stack_id): no table lists them again
DROP TABLE profile_stack;

CREATE TABLE stack_alias (
  id INTEGER PRIMARY KEY,
  h INTEGER NOT NULL
);
CREATE INDEX stack_alias_by_h ON stack_alias (h);

-- a node that goes gives back what it held: one count of its parent (which goes in turn
-- when that was its last: escprof turns on recursive_triggers; a plain sqlite3 session
-- should too, or leaves such parents at refs 0 for the next removal to take) and one
-- count of each location it listed
CREATE TRIGGER stack_shared_rows AFTER DELETE ON stack BEGIN
  DELETE FROM stack_alias WHERE id = old.id;
  UPDATE location SET refs = location.refs - d.n
    FROM (SELECT value AS id, count(*) AS n FROM json_each(old.locs) GROUP BY value) AS d
    WHERE location.id = d.id;
  UPDATE stack SET refs = refs - 1 WHERE id = old.parent;
  DELETE FROM stack WHERE id = old.parent AND refs = 0;
END;

-- the shared rows only this profile holds go with it: the stacks no other profile or
-- stack holds give back their locations, the locations no stack lists give back their
-- functions, and the strings of those functions and of this profile's labels go when
-- no function kept names them and no other profile's label holds them
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
    AND NOT EXISTS (SELECT 1 FROM func f WHERE f.file_id = str.id AND f.refs > 0)
    AND id NOT IN (SELECT key_id FROM sample_label WHERE profile_id != old.id
                   UNION ALL SELECT str_id FROM sample_label
                             WHERE profile_id != old.id AND str_id IS NOT NULL
                   UNION ALL SELECT unit_id FROM sample_label
                             WHERE profile_id != old.id AND unit_id IS NOT NULL);
  DELETE FROM func WHERE refs = 0;
END;

-- a stack's frames: its node's locations, then its parent's, up to the root, gathered
-- for each stack apart (a correlated subquery: a filter on profile_id still reaches the
-- profile's samples first, so one profile's frames never walk another's stacks); each
-- location's lines innermost first
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
