-- axon-deploy: drop a cleaned-up colour's read-model database (safe to run again).
-- WITH (FORCE) ends sessions still connected (PostgreSQL 13+). Variables (psql -v): db.
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
