/**
 * Content-named ConfigMaps: the one way axon-deploy names a revision of files (a configuration,
 * a script). The name carries the content hash, so a pod template that mounts it changes exactly
 * when the content does, and a pod restarted out of turn keeps the revision it was started with.
 * Old revisions are pruned only after the sync (PruneLast).
 */
import { checksumOf, revisionName } from '../domain/names';
import type { ConfigFilesModel, Labels } from './types';

/** `<prefix>-<hash>` holding `files` (name -> content), in sync wave `wave`. */
export function contentNamed(
  prefix: string,
  files: readonly (readonly [string, string])[],
  labels: Labels,
  wave: number,
): ConfigFilesModel {
  const checksum = checksumOf(files);
  return { meta: { name: revisionName(prefix, checksum), labels, wave, pruneLast: true }, files, checksum };
}
