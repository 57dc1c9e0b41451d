-- escprof's schema on PostgreSQL, version 2: the tables that hold a profile's or a build's
-- bulk rows lose their foreign keys. PostgreSQL checks a foreign key row by row, with a
-- trigger per inserted row; on a load those checks cost more than the rest of the COPY
-- (a 300-sample profile's 4,067 strings took 60-120 ms to copy with them, 26 ms without),
-- and on a compiler log of a million flow steps, a million of them. escprof writes these
-- rows in the transaction that inserts their profile or build, after it, and deletes them
-- before it (store/pg.c; the trigger below for the sites of a build's analyses), so the
-- keys guarded nothing its own writes could break. The small tables (names, labels,
-- sample types, analyses and their builds) keep theirs and their ON DELETE CASCADE.

ALTER TABLE str DROP CONSTRAINT IF EXISTS str_profile_id_fkey;
ALTER TABLE func DROP CONSTRAINT IF EXISTS func_profile_id_fkey;
ALTER TABLE location DROP CONSTRAINT IF EXISTS location_profile_id_fkey;
ALTER TABLE stack DROP CONSTRAINT IF EXISTS stack_profile_id_fkey;
ALTER TABLE sample DROP CONSTRAINT IF EXISTS sample_profile_id_fkey;
ALTER TABLE sample_value_x DROP CONSTRAINT IF EXISTS sample_value_x_profile_id_fkey;
ALTER TABLE sample_label DROP CONSTRAINT IF EXISTS sample_label_profile_id_fkey;
ALTER TABLE alloc_site DROP CONSTRAINT IF EXISTS alloc_site_profile_id_fkey;
ALTER TABLE alloc_site DROP CONSTRAINT IF EXISTS alloc_site_analysis_id_fkey;
ALTER TABLE diagnostic DROP CONSTRAINT IF EXISTS diagnostic_build_id_fkey;
ALTER TABLE flow_step DROP CONSTRAINT IF EXISTS flow_step_build_id_fkey;

-- the analyses made with a build go with it, and now their sites with them
CREATE OR REPLACE FUNCTION escprof_build_analyses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM alloc_site WHERE analysis_id IN (SELECT analysis_id FROM analysis_build WHERE build_id = OLD.id);
  DELETE FROM analysis WHERE id IN (SELECT analysis_id FROM analysis_build WHERE build_id = OLD.id);
  RETURN OLD;
END $$;
