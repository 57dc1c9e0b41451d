-- 003.sql — version 3: how well each build given to an analysis fits its profile (the
-- share of the profile's own lines where the build has a diagnostic), and whether the
-- analysis used it (a build that does not fit is left out of the join).
CREATE TABLE analysis_build (
  analysis_id INTEGER NOT NULL REFERENCES analysis(id),
  build_id INTEGER NOT NULL,
  lines INTEGER NOT NULL,	-- the profile's lines in packages the build covers
  matched INTEGER NOT NULL,	-- of those, where the build has a diagnostic
  used INTEGER NOT NULL,	-- 1 when the analysis joined this build's diagnostics
  PRIMARY KEY (analysis_id, build_id)
) WITHOUT ROWID;
