/**
 * The registration Job: after the last node of the cluster (a Sync hook), it registers every
 * app's token with its roles in its context, and the configured users, through the REST API (see
 * src/jobs/register.ts). Only with access control: without it Axon Server takes any client.
 */
import type { AppConfig, AxonServerConfig, JobsConfig } from '../config/schema';
import { ADMIN_GROUP } from '../domain/roles';
import { GATE_HOOK } from '../domain/waves';
import { REGISTER_SCRIPT, REGISTER_SCRIPT_FILE } from '../jobs/register';
import { contentNamed } from './config-files';
import { apiClientJob } from './gates';
import type { Issues } from './issues';
import { secretFileVolume } from './pods';
import type { SecretRegistry } from './secrets';
import type {
  AxonServerClientTls,
  ConfigFilesModel,
  JobModel,
  Labels,
  PodVolume,
  SecretRef,
  VolumeMount,
} from './types';

export interface RegistrationInput {
  readonly config: AxonServerConfig;
  readonly apps: readonly AppConfig[];
  readonly contexts: ReadonlySet<string>;
  readonly jobs: JobsConfig;
  readonly systemToken?: SecretRef;
  readonly tls?: AxonServerClientTls;
  /** The UI Service's URL (the admin nodes). */
  readonly url: string;
  readonly labels: Labels;
  readonly scriptLabels: Labels;
  readonly wave: number;
  readonly issues: Issues;
  readonly secrets: SecretRegistry;
}

const SECRETS_DIR = '/register';

export function registration(input: RegistrationInput): { job: JobModel; script: ConfigFilesModel } | undefined {
  const { config, issues } = input;
  const reg = config.registration;
  if (!config.accessControl.enabled || !reg.enabled || !input.systemToken) {
    if (reg.users.length > 0 && !config.accessControl.enabled) {
      issues.warn(
        ['axonServer', 'registration', 'users'],
        'users are registered only with access control (accessControl.enabled: true)',
      );
    }
    return undefined;
  }
  if (config.edition === 'standard') {
    if (reg.users.length > 0)
      issues.error(
        ['axonServer', 'registration', 'users'],
        'standard edition has no user or application API: register users in its UI, or use edition: enterprise',
      );
    return undefined;
  }
  reg.users.forEach((u, i) =>
    u.roles.forEach((r, j) => {
      const context = r.slice(r.indexOf('@') + 1);
      if (context !== ADMIN_GROUP && !input.contexts.has(context)) {
        issues.error(
          ['axonServer', 'registration', 'users', i, 'roles', j],
          `no replication group stores context "${context}"; contexts: ${[ADMIN_GROUP, ...input.contexts].join(', ')}`,
        );
      }
    }),
  );
  const volumes: PodVolume[] = [];
  const mounts: VolumeMount[] = [];
  const secretFile = (volume: string, ref: SecretRef, file: string, usedBy: string) => {
    input.secrets.add(ref, usedBy);
    volumes.push(secretFileVolume(volume, ref.name, ref.key, file));
    mounts.push({ name: volume, mountPath: `${SECRETS_DIR}/${volume}`, readOnly: true });
    return { path: `${SECRETS_DIR}/${volume}/${file}`, secret: ref.name };
  };
  const apps = input.apps
    .filter((a) => a.tokenSecret)
    .map((a, i) => {
      const token = secretFile(
        `app-${i}`,
        { name: a.tokenSecret!, key: a.tokenSecretKey },
        'token',
        `${a.name} (registration)`,
      );
      return {
        name: a.name,
        context: a.context,
        roles: [...a.axonServerRoles],
        tokenFile: token.path,
        tokenSecret: token.secret,
      };
    });
  const users = reg.users.map((u, i) => {
    const password = secretFile(
      `user-${i}`,
      { name: u.passwordSecret, key: u.passwordKey },
      'password',
      `user ${u.userName} (registration)`,
    );
    return { userName: u.userName, roles: [...u.roles], passwordFile: password.path, passwordSecret: password.secret };
  });
  if (apps.length === 0 && users.length === 0) return undefined;
  const script = contentNamed('axonserver-register', [[REGISTER_SCRIPT_FILE, REGISTER_SCRIPT]], input.scriptLabels, 0);
  const job = apiClientJob({
    name: 'axonserver-register',
    labels: input.labels,
    meta: { wave: input.wave, hook: GATE_HOOK },
    script,
    file: REGISTER_SCRIPT_FILE,
    settings: input.jobs,
    timeoutSeconds: 600,
    token: input.systemToken,
    tls: input.tls,
    volumes,
    mounts,
    env: [
      { name: 'AXONSERVER_URL', value: input.url },
      { name: 'REGISTER_APPS', value: JSON.stringify(apps) },
      { name: 'REGISTER_USERS', value: JSON.stringify(users) },
    ],
  });
  return { job, script };
}
