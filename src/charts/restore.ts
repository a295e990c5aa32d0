import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { jobProps } from '../constructs/app-release';
import { ConfigFiles } from '../constructs/config-files';
import { RESTORED_FROM_ANNOTATION, RestorePlan } from '../model/restore';

export interface RestoreChartProps {
  readonly namespace: string;
  readonly plan: RestorePlan;
  readonly run: string;
}

/**
 * The objects of a restore: each PersistentVolumeClaim from a VolumeSnapshot
 * (snapshot.storage.k8s.io), exactly as the StatefulSet's claim template would make it, marked
 * as restored (the rollout controller lets a bootstrap node start only on a restored or known
 * volume); and the Jobs that put each admin node's config database back. No Argo CD annotations:
 * they are applied by hand, once, and the claims then belong to the StatefulSet that adopts them.
 */
export class RestoreChart extends Chart {
  constructor(scope: Construct, id: string, props: RestoreChartProps) {
    super(scope, id, { namespace: props.namespace });
    for (const r of props.plan.claims) {
      new k8s.KubePersistentVolumeClaim(this, r.pvc, {
        metadata: {
          name: r.pvc,
          labels: { ...r.claim.labels },
          annotations: { [RESTORED_FROM_ANNOTATION]: props.run },
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          volumeMode: 'Filesystem',
          storageClassName: r.claim.storageClass,
          resources: { requests: { storage: k8s.Quantity.fromString(r.claim.size) } },
          dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: r.snapshot },
        },
      });
    }
    if (props.plan.script) new ConfigFiles(this, 'Script', { config: props.plan.script });
    for (const job of props.plan.configDbJobs) new k8s.KubeJob(this, job.meta.name, jobProps(job));
  }
}
