/**
 * The read-model database Jobs, run against a real PostgreSQL: the exact psql command, arguments
 * and environment the model gives the Job container (Secrets filled in, `$(VAR)` expanded as
 * Kubernetes does, the SQL ConfigMap's files where the Job mounts them).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerModel, EnvironmentModel, JobModel } from '../../../src/model/types';
import { blueGreen, blueGreenOf, enterprise, environment, validModel } from '../../support/builders';
import { tempDir } from '../../support/helpers';
import { Postgres, postgresBinaries, startPostgres } from '../../support/postgres';

const bin = postgresBinaries();
if (!bin && process.env.AXON_DEPLOY_REQUIRE_POSTGRES)
  throw new Error('AXON_DEPLOY_REQUIRE_POSTGRES is set, but PostgreSQL is not installed (apt-get install postgresql)');
if (!bin)
  process.stderr.write(
    '\u26A0 PostgreSQL database-Job tests are SKIPPED: PostgreSQL is not installed (apt-get install postgresql to enable them).\n',
  );
const withPostgres = bin ? describe : describe.skip;

jest.setTimeout(60_000);

let pg: Postgres;
beforeAll(async () => {
  if (bin) pg = await startPostgres(bin);
});
afterAll(() => pg?.stop());

/** The Secrets of the test, as Kubernetes would hold them. */
const SECRETS: Record<string, Record<string, string>> = {
  'orders-db': { username: 'orders_app', password: 'app-password' },
  'orders-db-admin': { username: 'orders_admin', password: 'admin-password' },
  'token-store': { username: 'orders_app', password: 'app-password' },
};

/** Runs one container of a Job as the kubelet would, with its mounts mapped to local directories. */
function runContainer(c: ContainerModel, model: EnvironmentModel): { status: number; stderr: string } {
  const sqlDir = tempDir();
  for (const [file, content] of model.appSupport.sqlScripts!.files) fs.writeFileSync(path.join(sqlDir, file), content);
  const env: Record<string, string> = {};
  for (const e of c.env) env[e.name] = 'value' in e ? e.value : SECRETS[e.secret.name][e.secret.key];
  const args = (c.args ?? []).map((a) =>
    a.replace(/\$\(([A-Z_]+)\)/g, (_, v: string) => env[v]).replace(/^\/sql\//, `${sqlDir}/`),
  );
  const r = spawnSync(c.command![0], args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return { status: r.status ?? 1, stderr: r.stderr };
}

function runJob(job: JobModel, model: EnvironmentModel): void {
  for (const c of [...(job.pod.initContainers ?? []), ...job.pod.containers]) {
    const r = runContainer(c, model);
    if (r.status !== 0) throw new Error(`${job.meta.name}/${c.name} failed: ${r.stderr}`);
  }
}

function modelWith(phases: [string, string], extra: { admin?: boolean; tokenStore?: boolean } = {}): EnvironmentModel {
  return validModel(
    environment(enterprise({ 'axonserver-1': 'PRIMARY' }), [
      blueGreen('orders', [phases[0], '1.0.0'], [phases[1], '1.1.0'], {
        readModel: {
          jdbcUrl: `jdbc:postgresql://127.0.0.1:${pg.port}`,
          database: 'orders_view',
          credentialsSecret: 'orders-db',
          ...(extra.admin ? { adminCredentialsSecret: 'orders-db-admin' } : {}),
        },
        sideEffects: extra.tokenStore
          ? {
              processingGroups: ['mailer'],
              store: {
                jdbcUrl: `jdbc:postgresql://127.0.0.1:${pg.port}`,
                database: 'orders_tokens',
                credentialsSecret: 'token-store',
              },
            }
          : { processingGroups: [] },
      }),
    ]),
  );
}

const databases = () =>
  pg
    .sql(
      'postgres',
      "SELECT datname || ':' || pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE 'orders_view%' ORDER BY 1",
    )
    .split('\n')
    .filter(Boolean);

withPostgres('on PostgreSQL', () => {
  beforeAll(() => {
    pg.sql('postgres', "CREATE ROLE orders_app LOGIN CREATEDB PASSWORD 'app-password'");
    pg.sql('postgres', "CREATE ROLE orders_admin LOGIN CREATEDB PASSWORD 'admin-password'");
    pg.sql('postgres', 'GRANT orders_app TO orders_admin');
  });
  afterEach(() => {
    for (const db of databases()) pg.sql('postgres', `DROP DATABASE IF EXISTS "${db.split(':')[0]}" WITH (FORCE)`);
  });

  it("creates the database of a colour that starts a release (not the serving one's), as the app's user, and runs again harmlessly", () => {
    const model = modelWith(['SERVING', 'INITIALISING']);
    const jobs = model.apps[0].databaseJobs;
    expect(jobs.map((j) => j.meta.name)).toEqual(['orders-green-database']);
    for (const job of jobs) runJob(job, model);
    for (const job of jobs) runJob(job, model);
    expect(databases()).toEqual(['orders_view_green:orders_app']);
    expect(
      pg.sql(
        'postgres',
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'orders_view_green'",
      ),
    ).toBe('orders green 1.1.0');
  });

  it('refuses a database that still holds an older release of the colour (its cleanup did not run); adopts one without a comment', () => {
    const model = modelWith(['SERVING', 'INITIALISING']);
    const job = model.apps[0].databaseJobs[0];
    pg.sql('postgres', 'CREATE DATABASE orders_view_green OWNER orders_app');
    pg.sql('postgres', "COMMENT ON DATABASE orders_view_green IS 'orders green 0.9.0'");
    expect(() => runJob(job, model)).toThrow(
      /database orders_view_green holds the read model of "orders green 0\.9\.0", not of "orders green 1\.1\.0": its cleanup did not run/,
    );
    pg.sql('postgres', 'COMMENT ON DATABASE orders_view_green IS NULL');
    runJob(job, model);
    expect(
      pg.sql(
        'postgres',
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'orders_view_green'",
      ),
    ).toBe('orders green 1.1.0');
  });

  it('creates no database in the sync of a promotion or a rollback: it never waits for PostgreSQL then', () => {
    expect(modelWith(['STANDING_BY', 'SERVING']).apps[0].databaseJobs).toEqual([]);
    expect(modelWith(['SERVING', 'STANDING_BY']).apps[0].databaseJobs).toEqual([]);
  });

  it("creates it as an administrator, owned by the app's user, when adminCredentialsSecret is given", () => {
    const model = modelWith(['SERVING', 'OBSOLETE'], { admin: true });
    runJob(model.apps[0].databaseJobs[0], model);
    expect(databases()).toEqual(['orders_view_blue:orders_app']);
  });

  it("drops a cleaned-up colour's database, even while sessions are open, and deletes its tokens from the shared store only", () => {
    const model = modelWith(['CLEANING_UP', 'SERVING'], { tokenStore: true });
    pg.sql('postgres', 'CREATE DATABASE orders_view_blue OWNER orders_app');
    pg.sql('postgres', 'CREATE DATABASE orders_view_green OWNER orders_app');
    pg.sql('postgres', 'DROP DATABASE IF EXISTS orders_tokens');
    pg.sql('postgres', 'CREATE DATABASE orders_tokens OWNER orders_app');
    pg.sql(
      'orders_tokens',
      'CREATE TABLE token_entry (processor_name varchar(255), segment int, token bytea, token_type varchar(255), timestamp varchar(255), owner varchar(255), PRIMARY KEY (processor_name, segment))',
    );
    pg.sql(
      'orders_tokens',
      "INSERT INTO token_entry (processor_name, segment, timestamp) VALUES ('orders-view-blue', 0, 'x'), ('orders-view-blue', 1, 'x'), ('orders-view-green', 0, 'x'), ('mailer', 0, 'x'), ('__config', 0, 'x')",
    );
    pg.sql('orders_tokens', 'ALTER TABLE token_entry OWNER TO orders_app');
    // A session still connected to the colour's database (a pod finishing its shutdown).
    const session = spawnSync(
      'sh',
      [
        '-c',
        `PGPASSWORD=app-password psql -X -h 127.0.0.1 -p ${pg.port} -U orders_app -d orders_view_blue -c 'SELECT pg_sleep(30)' >/dev/null 2>&1 & echo $!`,
      ],
      { encoding: 'utf8' },
    );
    spawnSync('sleep', ['0.5']);
    const job = blueGreenOf(model.apps[0]).cleanupJobs[0];
    expect(job.pod.initContainers!.map((c) => c.name)).toEqual(['drop-database']);
    expect(job.pod.containers.map((c) => c.name)).toEqual(['delete-tokens']);
    runJob(job, model);
    runJob(job, model);
    expect(databases()).toEqual(['orders_view_green:orders_app']);
    expect(pg.sql('orders_tokens', 'SELECT processor_name FROM token_entry ORDER BY 1').split('\n')).toEqual([
      '__config',
      'mailer',
      'orders-view-green',
    ]);
    spawnSync('kill', [session.stdout.trim()]);
  });

  it('seeds the shared store from the live colour: tokens renamed and released, sagas once, dead letters; again harmlessly', () => {
    const model = validModel(
      environment(enterprise({ 'axonserver-1': 'PRIMARY' }), [
        blueGreen('orders', ['SERVING', '1.0.0'], ['SCHEDULED', '1.1.0'], {
          readModel: {
            jdbcUrl: `jdbc:postgresql://127.0.0.1:${pg.port}`,
            database: 'orders_view',
            credentialsSecret: 'orders-db',
          },
          sideEffects: {
            processingGroups: ['mailer', 'payment-saga'],
            store: {
              jdbcUrl: `jdbc:postgresql://127.0.0.1:${pg.port}`,
              database: 'orders_shared',
              credentialsSecret: 'token-store',
            },
            seed: 'copyLive',
          },
        }),
      ]),
    );
    const tables = [
      'CREATE TABLE token_entry (processor_name varchar(255), segment int, owner varchar(255), timestamp varchar(255) NOT NULL, token bytea, token_type varchar(255), PRIMARY KEY (processor_name, segment))',
      'CREATE TABLE saga_entry (saga_id varchar(255) PRIMARY KEY, revision varchar(255), saga_type varchar(255), serialized_saga bytea)',
      'CREATE SEQUENCE association_value_entry_seq INCREMENT 50',
      'CREATE TABLE association_value_entry (id bigint PRIMARY KEY, association_key varchar(255) NOT NULL, association_value varchar(255), saga_id varchar(255) NOT NULL, saga_type varchar(255))',
      'CREATE TABLE dead_letter_entry (dead_letter_id varchar(255) PRIMARY KEY, processing_group varchar(255) NOT NULL, sequence_identifier varchar(255), payload bytea)',
    ];
    for (const db of ['orders_view_blue', 'orders_shared']) {
      pg.sql('postgres', `DROP DATABASE IF EXISTS ${db}`);
      pg.sql('postgres', `CREATE DATABASE ${db} OWNER orders_app`);
      for (const t of tables) pg.sql(db, t);
      pg.sql(
        db,
        'GRANT ALL ON ALL TABLES IN SCHEMA public TO orders_app; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO orders_app',
      );
    }
    pg.sql(
      'orders_view_blue',
      "INSERT INTO token_entry VALUES ('mailer-blue', 0, 'pod-a', 't', '\\x01', 'T'), ('mailer-blue', 1, NULL, 't', '\\x02', 'T'), ('payment-saga-blue', 0, 'pod-a', 't', '\\x03', 'T'), ('orders-view-blue', 0, NULL, 't', '\\x04', 'T')",
    );
    pg.sql('orders_view_blue', "INSERT INTO saga_entry VALUES ('saga-1', '1', 'PaymentSaga', '\\xaa')");
    pg.sql(
      'orders_view_blue',
      "INSERT INTO association_value_entry VALUES (101, 'orderId', 'o-1', 'saga-1', 'PaymentSaga')",
    );
    pg.sql(
      'orders_view_blue',
      "INSERT INTO dead_letter_entry VALUES ('dl-1', 'mailer-blue', 'o-1', '\\x05'), ('dl-2', 'orders-view-blue', 'o-2', NULL)",
    );
    // The store already holds progress of its own for payment-saga: it wins.
    pg.sql('orders_shared', "INSERT INTO token_entry VALUES ('payment-saga', 0, NULL, 't', '\\x09', 'T')");

    const job = model.apps[0].seedJob!;
    runJob(job, model);
    runJob(job, model);
    expect(
      pg
        .sql(
          'orders_shared',
          "SELECT processor_name || ':' || segment || ':' || coalesce(owner, '-') || ':' || encode(token, 'hex') FROM token_entry ORDER BY 1",
        )
        .split('\n'),
    ).toEqual(['mailer:0:-:01', 'mailer:1:-:02', 'payment-saga:0:-:09']);
    expect(pg.sql('orders_shared', "SELECT saga_id || ':' || saga_type FROM saga_entry")).toBe('saga-1:PaymentSaga');
    expect(pg.sql('orders_shared', 'SELECT id FROM association_value_entry')).toBe('101');
    // Hibernate's pooled generator must hand out ids above the copied ones.
    expect(Number(pg.sql('orders_shared', "SELECT nextval('association_value_entry_seq')"))).toBeGreaterThan(101 + 50);
    expect(pg.sql('orders_shared', "SELECT dead_letter_id || ':' || processing_group FROM dead_letter_entry")).toBe(
      'dl-1:mailer',
    );
  });
});
