/**
 * Scheduled backups (axonServer.backup): a CronJob runs src/scripts/jobs/backup.js, which backs up
 * the control DB of every _admin node through the REST API, then takes a CSI VolumeSnapshot of
 * each node's claims and keeps the newest runs. Its ServiceAccount may only create, read, list and
 * delete VolumeSnapshots in the environment's namespace: no cluster-wide rights.
 */
import type { AxonServerConfig, JobsConfig } from '../config/schema';
import { LABEL_COMPONENT, LABEL_INSTANCE } from '../domain/keys';
import { claimName } from '../domain/names';
import {
  BACKUP_NODE_LABEL,
  BACKUP_RUN_LABEL,
  BACKUP_SCRIPT_FILE,
  BACKUP_VOLUME_LABEL,
  type BackupJobEnv,
  SNAPSHOT_NAME_CLAIM,
  SNAPSHOT_NAME_RUN,
  snapshotName,
} from './backup-contract';
import { contentNamed } from './config-files';
import { apiClientEnv, apiClientJob, envList } from './api-client-job';
import type { Issues } from './issues';
import type { AxonServerClientTls, BackupModel, ClaimModel, Labels, SecretRef } from './types';

export const BACKUP_NAME = 'axonserver-backup';

export interface BackupInput {
  readonly config: AxonServerConfig;
  readonly namespace: string;
  readonly nodes: readonly { readonly name: string; readonly claims: readonly ClaimModel[] }[];
  /** Base URLs of the _admin nodes' HTTP port. */
  readonly adminUrls: readonly string[];
  readonly jobs: JobsConfig;
  readonly systemToken?: SecretRef;
  readonly tls?: AxonServerClientTls;
  readonly labels: Labels;
  /** Wave of the script and RBAC. */
  readonly wave: number;
  /** Wave of the CronJob: the last one, since Argo CD reports a CronJob whose last run failed as Degraded. */
  readonly cronJobWave: number;
  readonly issues: Issues;
  /** The script's text (assets.jobs['backup.js']): the model reads no files. */
  readonly script: string;
}

/** A claim the run snapshots. */
interface BackupClaim {
  readonly node: string;
  readonly volume: string;
  readonly pvc: string;
}

/** The whole environment of the backup container: the one place its variables are set. */
function backupJobEnv(input: BackupInput, claims: readonly BackupClaim[]): BackupJobEnv {
  const b = input.config.backup;
  return {
    AXONSERVER_URLS: input.adminUrls.join(','),
    BACKUP_CLAIMS: claims.map((c) => `${c.node}/${c.volume}/${c.pvc}`).join(','),
    BACKUP_NAMESPACE: input.namespace,
    BACKUP_KEEP: String(b.keep),
    ...(b.volumeSnapshotClass ? { BACKUP_SNAPSHOT_CLASS: b.volumeSnapshotClass } : {}),
    // Every snapshot carries these (the run, node and volume are added per snapshot).
    BACKUP_LABELS: JSON.stringify(input.labels),
    // Instance and component single out this environment's backup snapshots in the namespace.
    BACKUP_SELECTOR: Object.entries(input.labels)
      .filter(([k]) => k === LABEL_INSTANCE || k === LABEL_COMPONENT)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    BACKUP_RUN_LABEL,
    BACKUP_NODE_LABEL,
    BACKUP_VOLUME_LABEL,
    BACKUP_SNAPSHOT_NAME: snapshotName(SNAPSHOT_NAME_CLAIM, SNAPSHOT_NAME_RUN),
    ...apiClientEnv({ timeoutSeconds: b.timeoutSeconds, token: input.systemToken, tls: input.tls }),
  };
}

export function backupOf(input: BackupInput): BackupModel | undefined {
  const b = input.config.backup;
  if (!b.enabled) return undefined;
  const claims: BackupClaim[] = input.nodes.flatMap((n) =>
    b.volumes
      .filter((v) => n.claims.some((c) => c.name === v))
      .map((volume) => ({ node: n.name, volume, pvc: claimName(volume, n.name) })),
  );
  const meta = (name: string) => ({ name, labels: input.labels, wave: input.wave });
  const script = contentNamed(BACKUP_NAME, [[BACKUP_SCRIPT_FILE, input.script]], input.labels, input.wave);
  const job = apiClientJob({
    name: BACKUP_NAME,
    labels: input.labels,
    meta: { wave: input.wave },
    script,
    file: BACKUP_SCRIPT_FILE,
    settings: input.jobs,
    timeoutSeconds: b.timeoutSeconds,
    token: input.systemToken,
    tls: input.tls,
    serviceAccount: BACKUP_NAME,
    backoffLimit: 1,
    env: envList(backupJobEnv(input, claims)),
  });
  const { meta: _jobMeta, ...jobSpec } = job;
  return {
    script,
    serviceAccount: meta(BACKUP_NAME),
    role: {
      meta: meta(BACKUP_NAME),
      rules: [
        {
          apiGroups: ['snapshot.storage.k8s.io'],
          resources: ['volumesnapshots'],
          verbs: ['create', 'delete', 'get', 'list'],
        },
      ],
    },
    roleBinding: meta(BACKUP_NAME),
    cronJob: {
      meta: { ...meta(BACKUP_NAME), wave: input.cronJobWave },
      schedule: b.schedule,
      timeZone: b.timeZone,
      job: jobSpec,
    },
    claims,
  };
}
