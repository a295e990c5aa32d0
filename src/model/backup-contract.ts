/**
 * What the backup run (src/scripts/jobs/backup.js) and the rest of axon-deploy agree on: the
 * labels and names of its VolumeSnapshots, which the restore reads back, and the environment the
 * model renders for its CronJob (BackupJobEnv, built by backupJobEnv in src/model/backup.ts). The
 * script holds none of these names itself: it gets them from its environment, and its
 * `// @ts-check` types `process.env` as BackupJobEnv, so it can read no variable the model does not
 * know of. test/integration/jobs/backup-job.test.ts runs it with the environment the model renders.
 */
import type { ApiClientJobEnv } from './api-client-job';

/** The ConfigMap key and file of the script. */
export const BACKUP_SCRIPT_FILE = 'backup.js';
/** Label of a snapshot's run: the UTC time it started, `20261201t020000z` (RUN_ID in ./restore). */
export const BACKUP_RUN_LABEL = 'axon-deploy.io/backup-run';
export const BACKUP_NODE_LABEL = 'axon-deploy.io/node';
export const BACKUP_VOLUME_LABEL = 'axon-deploy.io/volume';

/** The name of a claim's snapshot in a run. */
export const snapshotName = (claim: string, run: string): string => `${claim}-${run}`;

/** The placeholders of BACKUP_SNAPSHOT_NAME, which the script replaces. */
export const SNAPSHOT_NAME_CLAIM = '{claim}';
export const SNAPSHOT_NAME_RUN = '{run}';

/**
 * Every variable the backup script reads. The model sets those not marked otherwise; values are
 * strings, as in a container's environment.
 */
export interface BackupJobEnv extends ApiClientJobEnv {
  /** The _admin nodes' HTTP base URLs, comma-separated: each takes a control-DB backup. */
  readonly AXONSERVER_URLS: string;
  /** The claims to snapshot, comma-separated `node/volume/claim`. */
  readonly BACKUP_CLAIMS: string;
  /** The namespace of the claims and snapshots; default: the pod's own (its service-account files). */
  readonly BACKUP_NAMESPACE: string;
  /** Complete runs kept; default 7. */
  readonly BACKUP_KEEP: string;
  /** The VolumeSnapshotClass; absent: the cluster's default class for the volumes' driver. */
  readonly BACKUP_SNAPSHOT_CLASS?: string;
  /** Labels of every snapshot (JSON object); the run, node and volume labels are added per snapshot. */
  readonly BACKUP_LABELS: string;
  /**
   * The labels that tell this environment's snapshots from others' (`key=value`, comma-separated),
   * a label selector to which the script adds BACKUP_RUN_LABEL when it lists runs to prune.
   */
  readonly BACKUP_SELECTOR: string;
  /** BACKUP_RUN_LABEL, BACKUP_NODE_LABEL and BACKUP_VOLUME_LABEL: the label keys. */
  readonly BACKUP_RUN_LABEL: string;
  readonly BACKUP_NODE_LABEL: string;
  readonly BACKUP_VOLUME_LABEL: string;
  /** snapshotName(SNAPSHOT_NAME_CLAIM, SNAPSHOT_NAME_RUN): the script fills in the claim and run. */
  readonly BACKUP_SNAPSHOT_NAME: string;
  /** Not set by the model (in the pod: https://kubernetes.default.svc); tests point it at their API server. */
  readonly KUBE_API_URL?: string;
  /** Not set by the model: the pod's service-account token and CA by default. */
  readonly KUBE_TOKEN_FILE?: string;
  readonly KUBE_CA_FILE?: string;
}
