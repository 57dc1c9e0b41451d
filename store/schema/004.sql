-- 004.sql — version 4: an analysis's builds in a table, not a comma list. analysis_build
-- (version 3: how each build given fitted the profile) gains the order the builds were
-- given in, and rows for the analyses made before version 3, which used every build of
-- their list and measured no fit (lines and matched NULL). Of an analysis migrated from
-- version 3 the given order of the builds it left out was not kept: they follow the used
-- ones, by id. The comma column analysis.builds goes.
CREATE TABLE analysis_build_v4 (
  analysis_id INTEGER NOT NULL REFERENCES analysis(id),
  build_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,		-- 1-based: the order the builds were given in
  lines INTEGER,		-- the profile's lines in packages the build covers; NULL: not measured
  matched INTEGER,		-- of those, where the build has a diagnostic
  used INTEGER NOT NULL,	-- 1 when the analysis joined this build's diagnostics
  PRIMARY KEY (analysis_id, build_id)
) WITHOUT ROWID;

-- the comma list split into (analysis, position, build); a build listed twice keeps its
-- first position
WITH RECURSIVE split(analysis_id, seq, build_id, rest) AS (
  SELECT id, 0, NULL, builds || ',' FROM analysis WHERE builds != ''
  UNION ALL
  SELECT analysis_id, seq + 1, CAST(substr(rest, 1, instr(rest, ',') - 1) AS INTEGER),
         substr(rest, instr(rest, ',') + 1)
  FROM split WHERE rest != ''
)
INSERT OR IGNORE INTO analysis_build_v4 (analysis_id, build_id, seq, lines, matched, used)
  SELECT s.analysis_id, s.build_id, s.seq, f.lines, f.matched, 1
  FROM split s LEFT JOIN analysis_build f
    ON f.analysis_id = s.analysis_id AND f.build_id = s.build_id
  WHERE s.seq > 0
  ORDER BY s.analysis_id, s.seq;

-- the builds given and left out (version 3 only)
INSERT INTO analysis_build_v4 (analysis_id, build_id, seq, lines, matched, used)
  SELECT f.analysis_id, f.build_id,
         coalesce((SELECT max(x.seq) FROM analysis_build_v4 x WHERE x.analysis_id = f.analysis_id), 0)
           + row_number() OVER (PARTITION BY f.analysis_id ORDER BY f.build_id),
         f.lines, f.matched, f.used
  FROM analysis_build f
  WHERE NOT EXISTS (SELECT 1 FROM analysis_build_v4 x
                    WHERE x.analysis_id = f.analysis_id AND x.build_id = f.build_id);

DROP TABLE analysis_build;
ALTER TABLE analysis_build_v4 RENAME TO analysis_build;
ALTER TABLE analysis DROP COLUMN builds;
