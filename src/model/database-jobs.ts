/**
 * The read-model database lifecycle of blue/green releases, for PostgreSQL: a Job that creates a
 * colour's database before its Deployment (when it is missing: idempotent), and the cleanup Job
 * of a CLEANING_UP colour that drops it and deletes that colour's rows from a shared token store.
 *
 * The SQL lives in one content-named ConfigMap; each Job runs `psql` from the configured image
 * with the names as psql variables (`:"db"` is quoted as an identifier by psql itself), the
 * connection from the JDBC URL (PGHOST, PGPORT, PGSSLMODE) and the credentials from Secrets.
 */
import { Assets, SQL_FILE_NAMES, SqlFileName } from '../assets';
import type { JobsConfig } from '../config/schema';
import { byText } from '../util/text';
import { contentNamed } from './config-files';
import { TMP_MOUNT, TMP_VOLUME } from './pods';
import type { ConfigFilesModel, ContainerModel, EnvVar, HookModel, JobModel, Labels, SecretRef } from './types';

const SQL_DIR = '/sql';

/** The SQL scripts (src/scripts/sql/) as a content-named ConfigMap. */
export function sqlScripts(prefix: string, labels: Labels, wave: number, sql: Assets['sql']): ConfigFilesModel {
  const files = SQL_FILE_NAMES.map((file): [string, string] => [file, sql[file]]).sort(byText(([f]) => f));
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
  readonly script: SqlFileName;
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
  /** The Argo CD hook it runs as; absent: a plain Job (one the rollout controller creates). */
  readonly hook?: HookModel;
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
  const containers = input.steps.map((s) => psqlContainer(s, input.jobs, s.script));
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
