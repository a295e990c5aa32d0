/**
 * A real PostgreSQL server for tests, from the machine's packages (Debian's postgresql: CI
 * installs it when missing). Started in a temporary directory on a free loopback port with
 * password authentication, as the unprivileged `postgres` user when the tests run as root
 * (PostgreSQL refuses to run as root). Without the binaries the tests that need it are skipped
 * with a notice — unless AXON_DEPLOY_REQUIRE_POSTGRES is set, as in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Postgres {
  readonly port: number;
  readonly superuser: { readonly user: string; readonly password: string };
  /** Runs SQL as the superuser in a database; returns psql's unaligned output. */
  sql(database: string, statement: string): string;
  stop(): void;
}

/** The directory with initdb and pg_ctl, if PostgreSQL is installed. */
export function postgresBinaries(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => fs.existsSync(path.join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(debian, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  return found ? path.dirname(found) : undefined;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export async function startPostgres(bin: string): Promise<Postgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axon-deploy-pg-'));
  const root = process.getuid?.() === 0;
  // As root, run the server as the `postgres` user the package creates.
  const asUser = (command: string, args: string[]) =>
    root ? (['runuser', ['-u', 'postgres', '--', command, ...args]] as const) : ([command, args] as const);
  if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  fs.chmodSync(dir, 0o700);
  const password = 'test-superuser-password';
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password);
  if (root) execFileSync('chown', ['postgres:postgres', pwfile]);
  const run = (command: string, args: string[]) => {
    const [c, a] = asUser(command, args);
    const r = spawnSync(c, [...a], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.stdout}`);
  };
  run(path.join(bin, 'initdb'), [
    '-D',
    path.join(dir, 'data'),
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  run(path.join(bin, 'pg_ctl'), [
    '-D',
    path.join(dir, 'data'),
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const env = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: password };
  return {
    port,
    superuser: { user: 'postgres', password },
    sql(database, statement) {
      const r = spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-d', database, '-c', statement], {
        env,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout.trim();
    },
    stop() {
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
