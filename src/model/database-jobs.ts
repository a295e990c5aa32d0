/**
 * The read-model database lifecycle of blue/green releases, for PostgreSQL: a Job that creates a
 * colour's database before its Deployment (when it is missing: idempotent), and the cleanup Job
 * of a CLEANING_UP colour that drops it and deletes that colour's rows from a shared token store.
 *
 * The SQL lives in one content-named ConfigMap; each Job runs `psql` from the configured image
 * with the names as psql variables (`:"db"` is quoted as an identifier by psql itself), the
 * connection from the JDBC URL (PGHOST, PGPORT, PGSSLMODE) and the credentials from Secrets.
 */
import type { JobsConfig } from '../config/schema';
import { contentNamed } from './config-files';
import { TMP_MOUNT, TMP_VOLUME } from './pods';
import type { ConfigFilesModel, ContainerModel, EnvVar, HookModel, JobModel, Labels, SecretRef } from './types';

export const SQL_FILES = {
  /** Creates the database when it is missing, owned by the connecting user. */
  create: [
    "-- axon-deploy: create a colour's read-model database when it is missing (safe to run again).",
    "SELECT format('CREATE DATABASE %I', :'db')",
    " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec",
    '',
  ].join('\n'),
  /** The same, as an administrator, for the app's user. */
  createOwned: [
    "-- axon-deploy: create a colour's read-model database when it is missing, owned by the app's user (safe to run again).",
    "SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')",
    " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec",
    '',
  ].join('\n'),
  /** Drops the database; WITH (FORCE) ends sessions still connected (PostgreSQL 13+). */
  drop: [
    "-- axon-deploy: drop a cleaned-up colour's read-model database (safe to run again).",
    'DROP DATABASE IF EXISTS :"db" WITH (FORCE);',
    '',
  ].join('\n'),
  /** Deletes a colour's processors' tokens from a shared token store (never the __config row). */
  deleteTokens: [
    "-- axon-deploy: delete the tokens of a cleaned-up colour's processors (names ending in its suffix) from the shared token store.",
    'DELETE FROM :"token_table" WHERE :"processor_column" LIKE :\'pattern\';',
    '',
  ].join('\n'),
} as const;

const FILE_NAMES: Readonly<Record<keyof typeof SQL_FILES, string>> = {
  create: 'create.sql',
  createOwned: 'create-owned.sql',
  drop: 'drop.sql',
  deleteTokens: 'delete-positions.sql',
};
const SQL_DIR = '/sql';

/** The SQL scripts as a content-named ConfigMap. */
export function sqlScripts(prefix: string, labels: Labels, wave: number): ConfigFilesModel {
  const files = Object.entries(FILE_NAMES)
    .map(([key, file]): [string, string] => [file, SQL_FILES[key as keyof typeof SQL_FILES]])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return contentNamed(prefix, files, labels, wave);
}

/** A PostgreSQL server from a JDBC URL without database: `jdbc:postgresql://h1:5432,h2/?sslmode=require`. */
export interface PostgresServer {
  readonly hosts: string;
  readonly ports: string;
  readonly sslmode?: string;
}

export function postgresServer(jdbcUrl: string): PostgresServer | undefined {
  const m = /^jdbc:postgresql:\/\/([^/?]+)\/?(?:\?(.*))?$/.exec(jdbcUrl);
  if (!m) return undefined;
  const endpoints = m[1].split(',').map((e) => {
    const [host, port] = e.startsWith('[')
      ? [e.slice(0, e.indexOf(']') + 1), e.slice(e.indexOf(']') + 2)]
      : e.split(':');
    return { host, port: port || '5432' };
  });
  const sslmode = new URLSearchParams(m[2] ?? '').get('sslmode') ?? undefined;
  return { hosts: endpoints.map((e) => e.host).join(','), ports: endpoints.map((e) => e.port).join(','), sslmode };
}

export interface PsqlStep {
  /** Container name. */
  readonly name: string;
  readonly script: keyof typeof SQL_FILES;
  /** Database to connect to. */
  readonly database: string;
  readonly server: PostgresServer;
  readonly credentials: SecretRef & { readonly passwordKey: string };
  /** psql variables. */
  readonly variables: Readonly<Record<string, string>>;
  /** More environment (e.g. APP_USERNAME for the owner). */
  readonly env?: readonly EnvVar[];
}

function psqlContainer(step: PsqlStep, jobs: JobsConfig, scriptsFile: string): ContainerModel {
  return {
    name: step.name,
    image: jobs.postgresImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['psql'],
    // -X: no ~/.psqlrc; ON_ERROR_STOP: a failed statement fails the Job.
    args: [
      '-X',
      '-v',
      'ON_ERROR_STOP=1',
      ...Object.entries(step.variables).flatMap(([k, v]) => ['-v', `${k}=${v}`]),
      '-f',
      `${SQL_DIR}/${scriptsFile}`,
    ],
    ports: [],
    env: [
      { name: 'PGHOST', value: step.server.hosts },
      { name: 'PGPORT', value: step.server.ports },
      { name: 'PGDATABASE', value: step.database },
      ...(step.server.sslmode ? [{ name: 'PGSSLMODE', value: step.server.sslmode }] : []),
      { name: 'PGCONNECT_TIMEOUT', value: '10' },
      { name: 'PGAPPNAME', value: 'axon-deploy' },
      { name: 'PGUSER', secret: { name: step.credentials.name, key: step.credentials.key } },
      { name: 'PGPASSWORD', secret: { name: step.credentials.name, key: step.credentials.passwordKey } },
      ...(step.env ?? []),
    ],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    mounts: [{ name: 'sql', mountPath: SQL_DIR, readOnly: true }, TMP_MOUNT],
  };
}

export interface PsqlJobInput {
  readonly name: string;
  readonly labels: Labels;
  readonly wave: number;
  readonly hook: HookModel;
  readonly scripts: ConfigFilesModel;
  readonly jobs: JobsConfig;
  /** Run in order; the last is the Job's container, the others init containers. */
  readonly steps: readonly PsqlStep[];
  readonly ttlSecondsAfterFinished?: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
}

/** A Job that runs psql steps one after the other. */
export function psqlJob(input: PsqlJobInput): JobModel {
  const containers = input.steps.map((s) => psqlContainer(s, input.jobs, FILE_NAMES[s.script]));
  return {
    meta: { name: input.name, labels: input.labels, wave: input.wave, hook: input.hook },
    ttlSecondsAfterFinished: input.ttlSecondsAfterFinished,
    backoffLimit: input.backoffLimit,
    activeDeadlineSeconds: input.activeDeadlineSeconds,
    pod: {
      labels: input.labels,
      annotations: {},
      user: { runAsUser: input.jobs.postgresRunAsUser, runAsGroup: input.jobs.postgresRunAsUser },
      imagePullSecrets: input.jobs.imagePullSecrets,
      restartPolicy: 'Never',
      volumes: [{ kind: 'configMap', name: 'sql', configMap: input.scripts.meta.name, defaultMode: 0o444 }, TMP_VOLUME],
      initContainers: containers.slice(0, -1),
      containers: containers.slice(-1),
    },
  };
}
