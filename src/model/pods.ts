/**
 * Pod decisions shared by Axon Server and the apps: the non-root identity of the images, the
 * writable scratch directories a read-only root filesystem needs, Secrets mounted as files.
 */
import type { PodVolume, VolumeMount } from './types';

/** The non-root user and group of the Axon Server `-nonroot` images (and the apps' default). */
export const NON_ROOT_ID = 1001;

/** Upper bound of a scratch directory: a runaway writer is evicted rather than filling the node's disk. */
export const SCRATCH_SIZE_LIMIT = '1Gi';

/** A writable directory on a read-only root filesystem, e.g. /tmp for JVM temp files and Netty's native libraries. */
export function scratchVolume(name: string, sizeLimit = SCRATCH_SIZE_LIMIT): PodVolume {
  return { kind: 'emptyDir', name, sizeLimit };
}

export const TMP_VOLUME = scratchVolume('tmp');
export const TMP_MOUNT: VolumeMount = { name: 'tmp', mountPath: '/tmp' };

/** A Secret mounted as one read-only file, readable by the pod's group only. */
export function secretFileVolume(name: string, secretName: string, key: string, file: string): PodVolume {
  return { kind: 'secret', name, secretName, items: [{ key, path: file }], defaultMode: 0o440 };
}
