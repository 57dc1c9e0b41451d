-- 005.sql — version 5: stacks stored the way pprof stores them. A location (a program
-- counter: its lines, innermost first) is stored once for all profiles, its lines as one
-- JSON text that is also its unique key; a stack is the JSON array of its locations, leaf
-- first. The frames view expands both with json_each, without recursion.
-- The frames of version 1 (one row per frame of every stack) become locations, split
-- where a frame is not inlined; stack ids stay, so samples and analyses keep theirs.
-- The view gives the frames as before, row for row.

-- lines: a JSON array of [func_id, line, column] per line, innermost first
CREATE TABLE location (
  id INTEGER PRIMARY KEY,
  lines TEXT NOT NULL UNIQUE
);

-- locs: a JSON array of the location ids of the stack, leaf first ('[]' for none)
CREATE TABLE stack_v5 (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  depth INTEGER NOT NULL,	-- frames: the lines of all its locations
  locs TEXT NOT NULL
);

-- each frame's position among its stack's locations: a location ends at a frame that is
-- not inlined into the next
CREATE TEMP TABLE v5_frame AS
  SELECT stack_id, depth, '[' || func_id || ',' || line || ',' || col || ']' AS text,
         coalesce(sum(inlined = 0) OVER (PARTITION BY stack_id ORDER BY depth
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS pos
  FROM stack_frame;

CREATE TEMP TABLE v5_loc AS
  SELECT DISTINCT stack_id, pos,
         '[' || group_concat(text, ',') OVER (PARTITION BY stack_id, pos ORDER BY depth
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
         || ']' AS lines
  FROM v5_frame;

INSERT OR IGNORE INTO location (lines) SELECT lines FROM v5_loc ORDER BY stack_id, pos;

CREATE TEMP TABLE v5_stack AS
  SELECT DISTINCT x.stack_id,
         '[' || group_concat(l.id, ',') OVER (PARTITION BY x.stack_id ORDER BY x.pos
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
         || ']' AS locs
  FROM v5_loc x JOIN location l ON l.lines = x.lines;

INSERT INTO stack_v5 (id, hash, depth, locs)
  SELECT s.id, s.hash, s.depth, coalesce(x.locs, '[]')
  FROM stack s LEFT JOIN v5_stack x ON x.stack_id = s.id
  ORDER BY s.id;

DROP TABLE temp.v5_frame;
DROP TABLE temp.v5_loc;
DROP TABLE temp.v5_stack;
DROP VIEW frames;
DROP TABLE stack_frame;
DROP TABLE stack;
ALTER TABLE stack_v5 RENAME TO stack;

-- the stack's locations (sl.key 0 the leaf), then each location's lines (ll.key 0 the
-- innermost), numbered in one run from the leaf; no recursion, so a filter on
-- profile_id reaches profile_stack and only that profile's stacks are expanded. Only
-- json_each: SQLite 3.40's other JSON functions are not innocuous, and a store opened
-- with trusted_schema off (escprof sql) refuses them in a view.
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
