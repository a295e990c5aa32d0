-- axon-deploy: create a colour's read-model database when it is missing (safe to run again).
-- Variables (psql -v): db; owner, the app's user when an administrator creates it for the app, or
-- empty; release, `<app> <colour> <version>` or empty (a rolling app).
-- A colour starting a release must start from an empty database: one whose comment names another
-- release still holds that release's read model (its cleanup did not run), and is refused.
SELECT format('DO $axon_deploy$ BEGIN RAISE EXCEPTION %L; END $axon_deploy$',
              format('database %s holds the read model of "%s", not of "%s": its cleanup did not run. Clean it up first (drop it), or the colour would resume that read model instead of replaying into an empty one',
                     datname, shobj_description(oid, 'pg_database'), :'release'))
  FROM pg_database
 WHERE datname = :'db' AND :'release' <> ''
   AND coalesce(shobj_description(oid, 'pg_database'), '') NOT IN ('', :'release') \gexec
SELECT format('CREATE DATABASE %I', :'db') || CASE WHEN :'owner' <> '' THEN format(' OWNER %I', :'owner') ELSE '' END
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('COMMENT ON DATABASE %I IS %L', :'db', :'release') WHERE :'release' <> '' \gexec
