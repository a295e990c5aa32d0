/**
 * A restore from a backup run, decided once:
 *
 * - Which nodes may be restored from a snapshot. Restoring one voter of a replication group from
 *   an older snapshot makes it forget log entries it acknowledged, which breaks Raft's safety: a
 *   voter comes back from a snapshot only together with every other voter of its groups (a whole
 *   cluster), and a single lost voter is recovered by leaving its groups and rejoining empty.
 *   Nodes that do not vote (SECONDARY, PASSIVE_BACKUP, MESSAGING_ONLY) catch up from the leader.
 * - The claims each restored node's StatefulSet adopts (`<volume>-<node>-0`), created from the
 *   run's VolumeSnapshots, with the claim template's size, class and labels.
 * - For each restored `_admin` node, a Job that puts the consistent copy of its config database
 *   back from the run's `controldb<millis>.zip` (src/scripts/jobs/restore-configdb.js). Nodes
 *   outside `_admin` get no control-DB backup (Axon Server takes it on the admin nodes): they
 *   recover by re-syncing from their groups.
 */
import type { Assets } from '../assets';
import { BACKUP_VOLUMES } from '../config/schema';
import { snapshotName } from './backup-contract';
import { LABEL_INSTANCE, LABEL_NAME, RESTORED_FROM_ANNOTATION } from '../domain/keys';
import { AXON_SERVER, claimName } from '../domain/names';
import { ADMIN_GROUP, isVoting } from '../domain/roles';
import { AXON_PATHS } from './axon-config';
import { contentNamed } from './config-files';
import { NON_ROOT_ID } from './pods';
import type { ClaimModel, ConfigFilesModel, EnvironmentModel, JobModel } from './types';
import { docRef } from '../domain/docs';

/** A backup run id as the backup Job names it: the UTC start time, 20261201t020000z. */
export const RUN_ID = /^\d{8}t\d{6}z$/;

export { RESTORED_FROM_ANNOTATION } from '../domain/keys';

export interface RestoreClaim {
  readonly node: string;
  readonly claim: ClaimModel;
  /** The PersistentVolumeClaim name the StatefulSet expects. */
  readonly pvc: string;
  readonly snapshot: string;
}

/** Why a set of nodes cannot be restored from a snapshot, and what to do instead. */
export class RestoreRefused extends Error {}

export interface RestorePlan {
  readonly nodes: readonly string[];
  readonly claims: readonly RestoreClaim[];
  /** The config-database script, when an `_admin` node is restored. */
  readonly script?: ConfigFilesModel;
  /** One per restored `_admin` node. */
  readonly configDbJobs: readonly JobModel[];
  /** Restored nodes that do not vote: they catch up from their groups' leaders. */
  readonly nonVoters: readonly string[];
}

/** The restore of `nodes` (all when empty) from run `run`; throws RestoreRefused or on an unknown node. */
export function restorePlan(
  model: EnvironmentModel,
  run: string,
  nodes: readonly string[],
  assets: Assets,
): RestorePlan {
  const ax = model.axonServer;
  if (!ax.backup) {
    throw new RestoreRefused(
      `${model.name} takes no backups (axonServer.backup.enabled is false): there are no backup runs to restore from`,
    );
  }
  const known = ax.nodes.map((n) => n.name);
  const unknown = nodes.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`no node ${unknown.join(', ')} in ${model.name}; nodes: ${known.join(', ')}`);
  const selected = nodes.length === 0 ? known : known.filter((n) => nodes.includes(n));
  refuseSingleVoters(model, selected);
  const volumes: readonly string[] = [...new Set(ax.backup.claims.map((c) => c.volume))];
  const claims = ax.nodes
    .filter((n) => selected.includes(n.name))
    .flatMap((n) =>
      n.claims
        .filter((c) => volumes.includes(c.name) && (BACKUP_VOLUMES as readonly string[]).includes(c.name))
        .map((claim) => {
          const pvc = claimName(claim.name, n.name);
          return { node: n.name, claim, pvc, snapshot: snapshotName(pvc, run) };
        }),
    );
  const admins = new Set(ax.replicationGroups.find((g) => g.name === ADMIN_GROUP)?.roles.map((r) => r.node) ?? known);
  const restoredAdmins = selected.filter(
    (n) => admins.has(n) && claims.some((c) => c.node === n && c.claim.name === 'data'),
  );
  const script =
    restoredAdmins.length > 0
      ? contentNamed('axon-deploy-restore', [['restore-configdb.js', assets.jobs['restore-configdb.js']]], {}, 0)
      : undefined;
  return {
    nodes: selected,
    claims,
    script,
    configDbJobs: script ? restoredAdmins.map((n) => configDbJob(model, n, run, script)) : [],
    nonVoters: selected.filter((n) => !ax.nodes.find((x) => x.name === n)?.voter),
  };
}

/** A voter comes back from a snapshot only with every other voter of each of its groups. */
function refuseSingleVoters(model: EnvironmentModel, selected: readonly string[]): void {
  const ax = model.axonServer;
  for (const name of selected) {
    const node = ax.nodes.find((n) => n.name === name);
    if (!node?.voter) continue;
    for (const { group } of node.roles) {
      const voters = ax.replicationGroups.find((g) => g.name === group)?.roles.filter((r) => isVoting(r.role)) ?? [];
      const missing = voters.map((r) => r.node).filter((n) => !selected.includes(n));
      if (missing.length === 0) continue;
      throw new RestoreRefused(
        `${name} votes in replication group ${group}, whose other voters (${missing.join(', ')}) are not restored with it: ` +
          'a voter restored alone from an older snapshot forgets log entries it acknowledged, which Raft forbids. ' +
          'Restore from a snapshot only the whole cluster (all voters of its groups); recover one lost node by ' +
          `taking it out of its groups and letting it rejoin empty (${docRef('recoverNode')}).`,
      );
    }
  }
}

/** The file name of the config database the image reads: 2024.0 renamed it (Upgrading to 2024.0.0). */
export function configDbFileOf(version: string): string {
  const m = /^(\d+)\./.exec(version);
  if (!m) return '';
  const major = Number(m[1]);
  return major >= 2024 ? 'axonserver-configdb.mv.db' : 'axonserver-controldb.mv.db';
}

function configDbJob(model: EnvironmentModel, node: string, run: string, script: ConfigFilesModel): JobModel {
  const labels = { [LABEL_NAME]: AXON_SERVER, [LABEL_INSTANCE]: node, 'app.kubernetes.io/component': 'restore' };
  const jobs = model.jobs;
  return {
    meta: { name: `${node}-restore-configdb`, labels, wave: 0 },
    backoffLimit: 0,
    activeDeadlineSeconds: 600,
    pod: {
      labels,
      annotations: { [RESTORED_FROM_ANNOTATION]: run },
      // The data volume belongs to Axon Server's user and group (fsGroup 1001).
      user: { runAsUser: NON_ROOT_ID, runAsGroup: NON_ROOT_ID, fsGroup: NON_ROOT_ID },
      imagePullSecrets: jobs.imagePullSecrets,
      restartPolicy: 'Never',
      volumes: [
        { kind: 'configMap', name: 'script', configMap: script.meta.name, defaultMode: 0o444 },
        { kind: 'persistentVolumeClaim', name: 'data', claimName: claimName('data', node), readOnly: false },
      ],
      containers: [
        {
          name: 'restore-configdb',
          image: jobs.gateImage,
          imagePullPolicy: 'IfNotPresent',
          args: ['/scripts/restore-configdb.js'],
          ports: [],
          env: [
            { name: 'RESTORE_DATA_DIR', value: AXON_PATHS.data },
            { name: 'RESTORE_CONFIGDB_FILE', value: configDbFileOf(model.axonServer.version) },
            { name: 'RESTORE_NODE', value: node },
          ],
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          mounts: [
            { name: 'script', mountPath: '/scripts', readOnly: true },
            { name: 'data', mountPath: AXON_PATHS.data },
          ],
        },
      ],
    },
  };
}
