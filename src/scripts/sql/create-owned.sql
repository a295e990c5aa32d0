-- axon-deploy: create a colour's read-model database when it is missing, owned by the app's user (safe to run again).
-- Variables (psql -v): db, owner.
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
