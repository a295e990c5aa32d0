-- axon-deploy: export what the live colour's side-effect processors own, for the shared store.
-- Runs in the live colour's read-model database (its processors' token store), as the first step
-- of the seed Job; seed-import.sql loads the files into the shared store.
--
-- Variables (psql -v): token_table, processor_column, source_processors (comma-separated: the
-- side-effect groups with the live colour's processor suffix), saga_table, association_table,
-- dead_letter_table, group_column, source_groups (comma-separated, like source_processors).
-- Files written to /tmp (shared with the import step): seed-<what>.csv with the rows,
-- seed-columns.csv with each table's columns.
\set ON_ERROR_STOP on

SELECT to_regclass(:'saga_table') IS NOT NULL AND to_regclass(:'association_table') IS NOT NULL AS has_sagas \gset
SELECT to_regclass(:'dead_letter_table') IS NOT NULL AS has_dead_letters \gset

COPY (
  SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position)
    FROM information_schema.columns
   WHERE table_schema = current_schema()
     AND table_name IN (:'token_table', :'saga_table', :'association_table', :'dead_letter_table')
   GROUP BY table_name
) TO STDOUT WITH (FORMAT csv) \g /tmp/seed-columns.csv

COPY (
  SELECT * FROM :"token_table" WHERE :"processor_column" = ANY (string_to_array(:'source_processors', ','))
) TO STDOUT WITH (FORMAT csv) \g /tmp/seed-tokens.csv

\if :has_sagas
COPY (SELECT * FROM :"saga_table") TO STDOUT WITH (FORMAT csv) \g /tmp/seed-sagas.csv
COPY (SELECT * FROM :"association_table") TO STDOUT WITH (FORMAT csv) \g /tmp/seed-associations.csv
\else
\echo 'no saga tables in the live colour database: no sagas to copy'
\endif

\if :has_dead_letters
COPY (
  SELECT * FROM :"dead_letter_table" WHERE :"group_column" = ANY (string_to_array(:'source_groups', ','))
) TO STDOUT WITH (FORMAT csv) \g /tmp/seed-dead-letters.csv
\else
\echo 'no dead-letter table in the live colour database: no dead letters to copy'
\endif
