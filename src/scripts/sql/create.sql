-- axon-deploy: create a colour's read-model database when it is missing (safe to run again).
-- Variables (psql -v): db.
SELECT format('CREATE DATABASE %I', :'db')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
