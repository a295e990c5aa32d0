/**
 * A restore from a backup run: for each node to restore, the claims its StatefulSet will adopt
 * (`<volume>-<node>-0`, the names it gives its own claims), each created from that run's
 * VolumeSnapshot, with the size, storage class and labels of the claim template. Applied while
 * the node's StatefulSet and old claims are gone (see the README's restore procedure), the
 * StatefulSet finds them on its next sync and starts on the restored data.
 */
import { BACKUP_VOLUMES } from '../config/schema';
import { snapshotName } from '../jobs/backup';
import { claimName } from '../domain/names';
import type { ClaimModel, EnvironmentModel } from './types';

/** A backup run id as the backup Job names it: the UTC start time, 20261201t020000z. */
export const RUN_ID = /^\d{8}t\d{6}z$/;

export interface RestoreClaim {
  readonly node: string;
  readonly claim: ClaimModel;
  /** The PersistentVolumeClaim name the StatefulSet expects. */
  readonly pvc: string;
  readonly snapshot: string;
}

/** The claims to create for `nodes` (all when empty) from run `run`; throws on an unknown node. */
export function restoreClaims(model: EnvironmentModel, run: string, nodes: readonly string[]): RestoreClaim[] {
  const known = model.axonServer.nodes.map((n) => n.name);
  const unknown = nodes.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`no node ${unknown.join(', ')} in ${model.name}; nodes: ${known.join(', ')}`);
  const volumes: readonly string[] = model.axonServer.backup
    ? [...new Set(model.axonServer.backup.claims.map((c) => c.volume))]
    : BACKUP_VOLUMES;
  return model.axonServer.nodes
    .filter((n) => nodes.length === 0 || nodes.includes(n.name))
    .flatMap((n) =>
      n.claims
        .filter((c) => volumes.includes(c.name))
        .map((claim) => {
          const pvc = claimName(claim.name, n.name);
          return { node: n.name, claim, pvc, snapshot: snapshotName(pvc, run) };
        }),
    );
}
