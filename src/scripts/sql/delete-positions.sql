-- axon-deploy: delete the tokens of a cleaned-up colour's processors (names ending in its suffix)
-- from the shared store (never the __config row). Variables (psql -v): token_table, processor_column, pattern.
DELETE FROM :"token_table" WHERE :"processor_column" LIKE :'pattern';
