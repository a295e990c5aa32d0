/**
 * Scheduled backups (axonServer.backup): a CronJob runs src/jobs/backup.ts, which backs up the
 * control DB of every _admin node through the REST API, then takes a CSI VolumeSnapshot of each
 * node's claims and keeps the newest runs. Its ServiceAccount may only create, read, list and
 * delete VolumeSnapshots in the environment's namespace: no cluster-wide rights.
 */
import type { AxonServerConfig, JobsConfig } from '../config/schema';
import { BACKUP_SCRIPT, BACKUP_SCRIPT_FILE } from '../jobs/backup';
import { claimName } from '../domain/names';
import { contentNamed } from './config-files';
import { apiClientJob } from './api-client-job';
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
}

export function backupOf(input: BackupInput): BackupModel | undefined {
  const b = input.config.backup;
  if (!b.enabled) return undefined;
  const claims = input.nodes.flatMap((n) =>
    b.volumes
      .filter((v) => n.claims.some((c) => c.name === v))
      .map((volume) => ({ node: n.name, volume, pvc: claimName(volume, n.name) })),
  );
  const meta = (name: string) => ({ name, labels: input.labels, wave: input.wave });
  const script = contentNamed(BACKUP_NAME, [[BACKUP_SCRIPT_FILE, BACKUP_SCRIPT]], input.labels, input.wave);
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
    env: [
      { name: 'AXONSERVER_URLS', value: input.adminUrls.join(',') },
      { name: 'BACKUP_CLAIMS', value: claims.map((c) => `${c.node}/${c.volume}/${c.pvc}`).join(',') },
      { name: 'BACKUP_NAMESPACE', value: input.namespace },
      { name: 'BACKUP_KEEP', value: String(b.keep) },
      ...(b.volumeSnapshotClass ? [{ name: 'BACKUP_SNAPSHOT_CLASS', value: b.volumeSnapshotClass }] : []),
      // Every snapshot carries these (the run, node and volume are added per snapshot).
      { name: 'BACKUP_LABELS', value: JSON.stringify(input.labels) },
    ],
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
