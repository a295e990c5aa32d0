-- axon-deploy: seed the shared store of the side-effect processing groups from the live colour
-- (the files seed-export.sql wrote to /tmp), so that the groups continue where the live
-- colour's processors are instead of replaying all history into their side effects.
--
-- Safe to run again: a processor, a dead-letter group or the sagas already in the shared store
-- are never overwritten (the store's own progress wins). Token claims are released (owner NULL).
-- The tables must exist in the shared store with the same columns (the app creates them).
--
-- Variables (psql -v): token_table, processor_column, owner_column, suffix (the live colour's
-- association_table, association_id_column, dead_letter_table, group_column.
\set ON_ERROR_STOP on

CREATE TEMP TABLE seed_columns (table_name text, columns text);
\copy seed_columns FROM '/tmp/seed-columns.csv' WITH (FORMAT csv)
SELECT count(*) > 0 AS columns_differ FROM seed_columns s
  JOIN (SELECT table_name::text, string_agg(column_name, ',' ORDER BY ordinal_position) AS columns
          FROM information_schema.columns WHERE table_schema = current_schema() GROUP BY table_name) d
    USING (table_name)
 WHERE s.columns IS DISTINCT FROM d.columns \gset
\if :columns_differ
\echo 'the live colour database and the shared store have tables with different columns:'
SELECT s.table_name, s.columns AS live_colour, d.columns AS shared_store FROM seed_columns s
  JOIN (SELECT table_name::text, string_agg(column_name, ',' ORDER BY ordinal_position) AS columns
          FROM information_schema.columns WHERE table_schema = current_schema() GROUP BY table_name) d
    USING (table_name) WHERE s.columns IS DISTINCT FROM d.columns;
DO $$ BEGIN RAISE EXCEPTION 'columns differ: the app must create the same tables in both'; END $$;
\endif

-- Tokens: renamed to the shared processor names, claims released, only processors the store lacks.
CREATE TEMP TABLE seed_tokens (LIKE :"token_table");
\copy seed_tokens FROM '/tmp/seed-tokens.csv' WITH (FORMAT csv)
UPDATE seed_tokens
   SET :"processor_column" = left(:"processor_column", length(:"processor_column") - length(:'suffix')),
       :"owner_column" = NULL;
INSERT INTO :"token_table"
SELECT s.* FROM seed_tokens s
 WHERE NOT EXISTS (SELECT 1 FROM :"token_table" t WHERE t.:"processor_column" = s.:"processor_column");

-- Sagas: all of them, once (only into a store that holds none yet).
SELECT to_regclass(:'saga_table') IS NOT NULL AND EXISTS (SELECT 1 FROM seed_columns WHERE table_name = :'saga_table')
   AS copy_sagas \gset
\if :copy_sagas
SELECT NOT EXISTS (SELECT 1 FROM :"saga_table") AS sagas_empty \gset
\if :sagas_empty
CREATE TEMP TABLE seed_sagas (LIKE :"saga_table");
CREATE TEMP TABLE seed_associations (LIKE :"association_table");
\copy seed_sagas FROM '/tmp/seed-sagas.csv' WITH (FORMAT csv)
\copy seed_associations FROM '/tmp/seed-associations.csv' WITH (FORMAT csv)
INSERT INTO :"saga_table" SELECT * FROM seed_sagas;
INSERT INTO :"association_table" SELECT * FROM seed_associations;
-- The association ids came from the live colour's generator: move the store's generator past
-- them (a serial column's own sequence, or Hibernate's <table>_seq, pooled by up to 50).
SELECT setval(seq, greatest((SELECT coalesce(max(:"association_id_column"), 0) FROM :"association_table") + 50, 1))
  FROM (SELECT coalesce(pg_get_serial_sequence(:'association_table', :'association_id_column'),
                        to_regclass(:'association_table' || '_seq')::text) AS seq) s
 WHERE seq IS NOT NULL;
\else
\echo 'the shared store already holds sagas: none copied'
\endif
\endif

-- Dead letters of the side-effect groups: renamed like the tokens, only groups the store lacks.
SELECT to_regclass(:'dead_letter_table') IS NOT NULL
   AND EXISTS (SELECT 1 FROM seed_columns WHERE table_name = :'dead_letter_table') AS copy_dead_letters \gset
\if :copy_dead_letters
CREATE TEMP TABLE seed_dead_letters (LIKE :"dead_letter_table");
\copy seed_dead_letters FROM '/tmp/seed-dead-letters.csv' WITH (FORMAT csv)
UPDATE seed_dead_letters SET :"group_column" = left(:"group_column", length(:"group_column") - length(:'suffix'));
INSERT INTO :"dead_letter_table"
SELECT s.* FROM seed_dead_letters s
 WHERE NOT EXISTS (SELECT 1 FROM :"dead_letter_table" t WHERE t.:"group_column" = s.:"group_column");
\endif
