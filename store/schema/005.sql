-- 005.sql — version 5: stacks stored the way pprof stores them. A location (a program
-- counter: its lines, innermost first) is stored once for all profiles, its lines as one
-- text that is also its unique key; a stack is the list of its locations, leaf first.
-- The frames of version 1 (one row per frame of every stack) become locations, split
-- where a frame is not inlined; stack ids stay, so samples and analyses keep theirs.
-- The frames view expands locations and lines as before, row for row.

-- lines: "func_id line column" per line, innermost first, lines separated by ','
CREATE TABLE location (
  id INTEGER PRIMARY KEY,
  lines TEXT NOT NULL UNIQUE
);

-- locs: the location ids of the stack, leaf first, separated by ' ' ('' for none)
CREATE TABLE stack_v5 (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  depth INTEGER NOT NULL,	-- frames: the lines of all its locations
  locs TEXT NOT NULL
);

-- each frame's position among its stack's locations: a location ends at a frame that is
-- not inlined into the next
CREATE TEMP TABLE v5_frame AS
  SELECT stack_id, depth, func_id || ' ' || line || ' ' || col AS text,
         coalesce(sum(inlined = 0) OVER (PARTITION BY stack_id ORDER BY depth
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS pos
  FROM stack_frame;

CREATE TEMP TABLE v5_loc AS
  SELECT DISTINCT stack_id, pos,
         group_concat(text, ',') OVER (PARTITION BY stack_id, pos ORDER BY depth
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS lines
  FROM v5_frame;

INSERT OR IGNORE INTO location (lines) SELECT lines FROM v5_loc ORDER BY stack_id, pos;

CREATE TEMP TABLE v5_stack AS
  SELECT DISTINCT x.stack_id,
         group_concat(l.id, ' ') OVER (PARTITION BY x.stack_id ORDER BY x.pos
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS locs
  FROM v5_loc x JOIN location l ON l.lines = x.lines;

INSERT INTO stack_v5 (id, hash, depth, locs)
  SELECT s.id, s.hash, s.depth, coalesce(x.locs, '')
  FROM stack s LEFT JOIN v5_stack x ON x.stack_id = s.id
  ORDER BY s.id;

DROP TABLE temp.v5_frame;
DROP TABLE temp.v5_loc;
DROP TABLE temp.v5_stack;
DROP VIEW frames;
DROP TABLE stack_frame;
DROP TABLE stack;
ALTER TABLE stack_v5 RENAME TO stack;

-- the stack's locations (pos 0 the leaf), then each location's lines (idx 0 the innermost),
-- numbered in one run from the leaf
CREATE VIEW frames AS
  WITH RECURSIVE
  sl(profile_id, stack_id, pos, loc, rest) AS (
    SELECT ps.profile_id, ps.stack_id, -1, NULL, s.locs || ' '
    FROM profile_stack ps JOIN stack s ON s.id = ps.stack_id
    UNION ALL
    SELECT profile_id, stack_id, pos + 1, CAST(rest AS INTEGER), substr(rest, instr(rest, ' ') + 1)
    FROM sl WHERE rest != ' ' AND rest != ''
  ),
  ll(loc, idx, line, rest) AS (
    SELECT l.id, -1, NULL, l.lines || ',' FROM location l
    WHERE l.id IN (SELECT loc FROM sl WHERE pos >= 0)
    UNION ALL
    SELECT loc, idx + 1, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM ll WHERE rest != ''
  )
  SELECT sl.profile_id, sl.stack_id,
         row_number() OVER (PARTITION BY sl.profile_id, sl.stack_id ORDER BY sl.pos, ll.idx) - 1 AS depth,
         n.s AS function, fl.s AS file,
         CAST(substr(ll.line, instr(ll.line, ' ') + 1) AS INTEGER) AS line,
         CAST(substr(substr(ll.line, instr(ll.line, ' ') + 1),
                     instr(substr(ll.line, instr(ll.line, ' ') + 1), ' ') + 1) AS INTEGER) AS "column",
         ll.rest != '' AS inlined
  FROM sl CROSS JOIN ll ON ll.loc = sl.loc AND ll.idx >= 0
  JOIN func fn ON fn.id = CAST(ll.line AS INTEGER) JOIN str n ON n.id = fn.name_id
  JOIN str fl ON fl.id = fn.file_id
  WHERE sl.pos >= 0;
