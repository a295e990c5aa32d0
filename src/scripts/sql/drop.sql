-- axon-deploy: drop a cleaned-up colour's read-model database (safe to run again), and verify it is gone.
-- WITH (FORCE) ends sessions still connected (PostgreSQL 13+). Variables (psql -v): db.
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
SELECT format('DO $axon_deploy$ BEGIN RAISE EXCEPTION %L; END $axon_deploy$', format('database %s still exists after DROP DATABASE', datname))
  FROM pg_database WHERE datname = :'db' \gexec
