import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { StorageClassModel } from '../model/types';
import { objectMeta } from './meta';

export interface StorageClassesProps {
  /** The StorageClasses to create, as modelled. */
  readonly storageClasses: readonly StorageClassModel[];
}

/**
 * StorageClasses for the event stores: volumes survive the loss of their claim (Retain), can be
 * grown in place, and are created in the zone of the pod that uses them (WaitForFirstConsumer),
 * which a zone-pinned node needs. Cluster-scoped: belongs in a chart without a namespace.
 */
export class StorageClasses extends Construct {
  constructor(scope: Construct, id: string, props: StorageClassesProps) {
    super(scope, id);
    for (const sc of props.storageClasses) {
      new k8s.KubeStorageClass(this, sc.meta.name, {
        metadata: objectMeta(sc.meta),
        provisioner: sc.provisioner,
        parameters: sc.parameters.length > 0 ? Object.fromEntries(sc.parameters) : undefined,
        mountOptions: sc.mountOptions.length > 0 ? [...sc.mountOptions] : undefined,
        reclaimPolicy: 'Retain',
        allowVolumeExpansion: true,
        volumeBindingMode: 'WaitForFirstConsumer',
      });
    }
  }
}
