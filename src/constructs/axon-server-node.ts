import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { AxonServerNodeModel } from '../model/types';
import { objectMeta } from './meta';
import { podTemplate } from './pod';
import { Service } from './service';

export interface AxonServerNodeProps {
  /** The node as the model decided it: StatefulSet metadata, claims, pod template and headless Service. */
  readonly node: AxonServerNodeModel;
}

/**
 * One Axon Server node: a StatefulSet that is never scaled above 1 (the node's identity, volumes
 * and roles are its own; the Raft cluster, not Kubernetes, decides availability), the headless
 * Service that gives the node its stable DNS name. Its pod is restarted by the rollout controller.
 */
export class AxonServerNode extends Construct {
  /** The StatefulSet; the construct id 'Resource' is a contract (stateful). */
  readonly statefulSet: k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: AxonServerNodeProps) {
    super(scope, id);
    const { node } = props;
    new Service(this, 'Service', { service: node.service });

    this.statefulSet = new StatefulSetWithTypedClaims(this, 'Resource', {
      metadata: objectMeta(node.statefulSet),
      spec: {
        replicas: 1,
        serviceName: node.service.meta.name,
        podManagementPolicy: 'OrderedReady',
        // A new template restarts nothing by itself: the rollout controller deletes the pod when
        // the cluster can afford it, and the StatefulSet recreates it from the new template.
        updateStrategy: { type: 'OnDelete' },
        // Deleting the StatefulSet (or a mistaken scale) never deletes the event store.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        selector: { matchLabels: { ...node.selector } },
        template: podTemplate(node.pod),
        volumeClaimTemplates: node.claims.map((c) => ({
          metadata: { name: c.name, labels: { ...c.labels } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            volumeMode: 'Filesystem',
            storageClassName: c.storageClass,
            resources: { requests: { storage: k8s.Quantity.fromString(c.size) } },
          },
        })),
      },
    });
  }
}

/**
 * The API server fills in apiVersion and kind on each volume claim template; writing them keeps
 * Argo CD's diff of the StatefulSet clean. The generated props type has no such fields and its
 * serializer drops anything it does not know (JSON patches included), so they are added here.
 */
class StatefulSetWithTypedClaims extends k8s.KubeStatefulSet {
  public override toJson(): { spec: { volumeClaimTemplates?: object[] } } {
    const json = super.toJson() as { spec: { volumeClaimTemplates?: object[] } };
    const templates = json.spec.volumeClaimTemplates;
    if (templates)
      json.spec.volumeClaimTemplates = templates.map((t) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        ...t,
      }));
    return json;
  }
}
