/**
 * Gate Jobs: Argo CD Sync hooks that run the gate script (src/gates/script.ts) between two sync
 * waves and let the sync go on only when Axon Server reports that the step before is done.
 * Shared here: the script's ConfigMap (one per Application, content-named so a new tool version
 * is a new revision) and the pod every gate runs in — restricted, no Kubernetes API rights, the
 * system token mounted read-only when access control is on.
 */
import type { JobsConfig } from '../config/schema';
import { GATE_SCRIPT, GATE_SCRIPT_FILE } from '../gates/script';
import { GATE_HOOK } from '../domain/waves';
import { checksumOf } from './axon-config';
import { secretFileVolume } from './pods';
import type { ConfigFilesModel, EnvVar, JobModel, Labels, PodVolume, SecretRef, VolumeMount } from './types';


const SCRIPT_DIR = '/gate';
const TOKEN_DIR = '/gate-token';
const TOKEN_FILE = 'token';

/** The gate script as a content-named ConfigMap, `<prefix>-<hash>`, in the config wave. */
export function gateScript(prefix: string, labels: Labels, wave: number): ConfigFilesModel {
  const files: [string, string][] = [[GATE_SCRIPT_FILE, GATE_SCRIPT]];
  const checksum = checksumOf(files);
  return { meta: { name: `${prefix}-${checksum.slice(0, 10)}`, labels, wave, pruneLast: true }, files, checksum };
}

export interface GateJobInput {
  readonly name: string;
  readonly labels: Labels;
  /** The wave the gate runs in (between the step it checks and the next). */
  readonly wave: number;
  readonly script: ConfigFilesModel;
  readonly settings: JobsConfig;
  /** GATE_MODE and the mode's variables. */
  readonly env: readonly EnvVar[];
  readonly timeoutSeconds: number;
  /** The token sent to Axon Server (the system token) when access control is on. */
  readonly token?: SecretRef;
}

export function gateJob(input: GateJobInput): JobModel {
  const volumes: PodVolume[] = [
    { kind: 'configMap', name: 'gate', configMap: input.script.meta.name, defaultMode: 0o444 },
    ...(input.token ? [secretFileVolume('token', input.token.name, input.token.key, TOKEN_FILE)] : []),
  ];
  const mounts: VolumeMount[] = [
    { name: 'gate', mountPath: SCRIPT_DIR, readOnly: true },
    ...(input.token ? [{ name: 'token', mountPath: TOKEN_DIR, readOnly: true }] : []),
  ];
  return {
    meta: { name: input.name, labels: input.labels, wave: input.wave, hook: GATE_HOOK },
    backoffLimit: 0,
    // The script retries until its own timeout; this bounds a pod that cannot even start.
    activeDeadlineSeconds: input.timeoutSeconds + 300,
    pod: {
      labels: input.labels,
      annotations: {},
      // fsGroup: the mounted token file (mode 0440) belongs to the pod's group.
      user: { runAsUser: input.settings.gateRunAsUser, runAsGroup: input.settings.gateRunAsUser, fsGroup: input.settings.gateRunAsUser },
      imagePullSecrets: input.settings.imagePullSecrets,
      restartPolicy: 'Never',
      volumes,
      containers: [{
        name: 'gate',
        image: input.settings.gateImage,
        imagePullPolicy: 'IfNotPresent',
        // The image's entrypoint is node (distroless nodejs; the official node image runs a file argument with node).
        args: [`${SCRIPT_DIR}/${GATE_SCRIPT_FILE}`],
        ports: [],
        env: [
          ...input.env,
          { name: 'GATE_TIMEOUT_SECONDS', value: String(input.timeoutSeconds) },
          ...(input.token ? [{ name: 'GATE_TOKEN_FILE', value: `${TOKEN_DIR}/${TOKEN_FILE}` }] : []),
        ],
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        mounts,
      }],
    },
  };
}
