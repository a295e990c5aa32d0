/**
 * Jobs that call Axon Server's REST API (the backup runs). Their pod:
 * restricted, the script from a content-named ConfigMap (one per Application, so a new tool
 * version is a new revision), the system token mounted read-only when access control is on, the
 * CA bundle when Axon Server speaks TLS, no Kubernetes API rights unless a ServiceAccount is
 * given, and the label that lets them through the NetworkPolicy to 8024.
 */
import type { JobsConfig } from '../config/schema';
import { LABEL_API_CLIENT } from '../domain/keys';
import { secretFileVolume } from './pods';
import { CA_FILE, CLIENT_CA_DIR, clientCaMount } from './tls';
import type {
  AxonServerClientTls,
  ConfigFilesModel,
  EnvVar,
  HookModel,
  JobModel,
  Labels,
  PodVolume,
  SecretRef,
  VolumeMount,
} from './types';

const SCRIPT_DIR = '/scripts';
const TOKEN_DIR = '/axonserver-token';
const TOKEN_FILE = 'token';

export interface ApiClientJobInput {
  readonly name: string;
  readonly labels: Labels;
  /** Wave and hook of the Job object (absent for a CronJob's template). */
  readonly meta: { readonly wave: number; readonly hook?: HookModel };
  readonly script: ConfigFilesModel;
  /** The script's file in the ConfigMap. */
  readonly file: string;
  readonly settings: JobsConfig;
  /** The script's whole environment, apiClientEnv's variables included (the Job adds none). */
  readonly env: readonly EnvVar[];
  readonly timeoutSeconds: number;
  /** The token sent to Axon Server (the system token) when access control is on. */
  readonly token?: SecretRef;
  /** Axon Server's TLS: the CA to trust. */
  readonly tls?: AxonServerClientTls;
  readonly volumes?: readonly PodVolume[];
  readonly mounts?: readonly VolumeMount[];
  /** A ServiceAccount whose token the pod gets (only for calls to the Kubernetes API). */
  readonly serviceAccount?: string;
  readonly backoffLimit?: number;
}

/**
 * What every API-client Job script reads besides its own variables. The names say what they are
 * (the gate Jobs that first used them, with GATE_* names, are gone).
 */
export interface ApiClientJobEnv {
  /** The script retries until this many seconds have passed, then fails. */
  readonly JOB_TIMEOUT_SECONDS: string;
  /** Seconds between attempts; default 5. Not set by the model (tests shorten it). */
  readonly JOB_RETRY_SECONDS?: string;
  /** The file holding the token sent in AxonIQ-Access-Token, when access control is on. */
  readonly AXONSERVER_TOKEN_FILE?: string;
  /** The CA bundle to trust, when Axon Server speaks TLS. */
  readonly AXONSERVER_CA_FILE?: string;
}

/** The ApiClientJobEnv of a Job that apiClientJob builds from the same timeout, token and TLS: the paths are its mounts. */
export function apiClientEnv(input: Pick<ApiClientJobInput, 'timeoutSeconds' | 'token' | 'tls'>): ApiClientJobEnv {
  return {
    JOB_TIMEOUT_SECONDS: String(input.timeoutSeconds),
    ...(input.token ? { AXONSERVER_TOKEN_FILE: `${TOKEN_DIR}/${TOKEN_FILE}` } : {}),
    ...(input.tls ? { AXONSERVER_CA_FILE: `${CLIENT_CA_DIR}/${CA_FILE}` } : {}),
  };
}

/** A container's env list from a record of variables (absent ones left out), in the record's order. */
export function envList<T extends { readonly [K in keyof T]?: string }>(env: T): EnvVar[] {
  return Object.entries(env as Record<string, string | undefined>).flatMap(([name, value]) =>
    value === undefined ? [] : [{ name, value }],
  );
}

export function apiClientJob(input: ApiClientJobInput): JobModel {
  const ca = clientCaMount(input.tls);
  const labels = { ...input.labels, [LABEL_API_CLIENT]: 'true' };
  const volumes: PodVolume[] = [
    { kind: 'configMap', name: 'script', configMap: input.script.meta.name, defaultMode: 0o444 },
    ...(input.token ? [secretFileVolume('token', input.token.name, input.token.key, TOKEN_FILE)] : []),
    ...ca.volumes,
    ...(input.volumes ?? []),
  ];
  const mounts: VolumeMount[] = [
    { name: 'script', mountPath: SCRIPT_DIR, readOnly: true },
    ...(input.token ? [{ name: 'token', mountPath: TOKEN_DIR, readOnly: true }] : []),
    ...ca.mounts,
    ...(input.mounts ?? []),
  ];
  return {
    meta: { name: input.name, labels, wave: input.meta.wave, hook: input.meta.hook },
    backoffLimit: input.backoffLimit ?? 0,
    // The script retries until its own timeout; this bounds a pod that cannot even start.
    activeDeadlineSeconds: input.timeoutSeconds + 300,
    pod: {
      labels,
      annotations: {},
      // fsGroup: the mounted token file (mode 0440) belongs to the pod's group.
      user: {
        runAsUser: input.settings.gateRunAsUser,
        runAsGroup: input.settings.gateRunAsUser,
        fsGroup: input.settings.gateRunAsUser,
      },
      imagePullSecrets: input.settings.imagePullSecrets,
      serviceAccount: input.serviceAccount,
      restartPolicy: 'Never',
      volumes,
      containers: [
        {
          name: 'job',
          image: input.settings.gateImage,
          imagePullPolicy: 'IfNotPresent',
          // The image's entrypoint is node (distroless nodejs; the official node image runs a file argument with node).
          args: [`${SCRIPT_DIR}/${input.file}`],
          ports: [],
          env: input.env,
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          mounts,
        },
      ],
    },
  };
}
