import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { RestoreClaim } from '../model/restore';

export interface RestoreChartProps {
  readonly namespace: string;
  readonly claims: readonly RestoreClaim[];
}

/**
 * The PersistentVolumeClaims of a restore, each from a VolumeSnapshot (snapshot.storage.k8s.io),
 * exactly as the StatefulSet's claim template would make them. No Argo CD annotations: they are
 * applied by hand, once, and then belong to the StatefulSet that adopts them.
 */
export class RestoreChart extends Chart {
  constructor(scope: Construct, id: string, props: RestoreChartProps) {
    super(scope, id, { namespace: props.namespace });
    for (const r of props.claims) {
      new k8s.KubePersistentVolumeClaim(this, r.pvc, {
        metadata: { name: r.pvc, labels: { ...r.claim.labels } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          volumeMode: 'Filesystem',
          storageClassName: r.claim.storageClass,
          resources: { requests: { storage: k8s.Quantity.fromString(r.claim.size) } },
          dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: r.snapshot },
        },
      });
    }
  }
}
