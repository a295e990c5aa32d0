import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { AXON_PATHS, AXON_PORTS, LICENSE_FILE, SYSTEM_TOKEN_FILE } from '../model/axon-config';
import { ANNOTATION_CONFIG_CHECKSUM } from '../model/labels';
import type { AxonServerModel, AxonServerNodeModel } from '../model/types';
import { objectMeta } from './meta';
import { containerProbes, containerSecurityContext, envVars, NON_ROOT_ID, podSecurityContext, resources, scratchVolume } from './pod';
import { Service } from './service';

export interface AxonServerNodeProps {
  /** Settings shared by all nodes. */
  readonly cluster: AxonServerModel;
  readonly node: AxonServerNodeModel;
}

const CONTAINER = 'axonserver';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const HOST_LABEL = 'kubernetes.io/hostname';

/**
 * One Axon Server node: a StatefulSet that is never scaled above 1 (the node's identity, volumes
 * and roles are its own; the Raft cluster, not Kubernetes, decides availability) and the headless
 * Service that gives the node its stable DNS name.
 */
export class AxonServerNode extends Construct {
  /** The StatefulSet; the construct id 'Resource' is a contract (stateful). */
  readonly statefulSet: k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: AxonServerNodeProps) {
    super(scope, id);
    const { cluster, node } = props;
    new Service(this, 'Service', { service: node.service });

    this.statefulSet = new StatefulSetWithTypedClaims(this, 'Resource', {
      metadata: objectMeta(node.statefulSet),
      spec: {
        replicas: 1,
        serviceName: node.service.meta.name,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        // Deleting the StatefulSet (or a mistaken scale) never deletes the event store.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        selector: { matchLabels: { ...node.selector } },
        template: {
          metadata: {
            labels: { ...node.podLabels },
            annotations: { [ANNOTATION_CONFIG_CHECKSUM]: cluster.config.checksum },
          },
          spec: podSpec(cluster, node),
        },
        volumeClaimTemplates: node.volumes.map((v) => ({
          metadata: { name: v.name, labels: { ...node.volumeLabels } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            volumeMode: 'Filesystem',
            storageClassName: v.storageClass,
            resources: { requests: { storage: k8s.Quantity.fromString(v.size) } },
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
    if (templates) json.spec.volumeClaimTemplates = templates.map((t) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    return json;
  }
}

function podSpec(cluster: AxonServerModel, node: AxonServerNodeModel): k8s.PodSpec {
  const secretVolumes: k8s.Volume[] = [];
  const secretMounts: k8s.VolumeMount[] = [];
  if (cluster.license) {
    secretVolumes.push(secretVolume('license', cluster.license.name, cluster.license.key, LICENSE_FILE));
    secretMounts.push({ name: 'license', mountPath: AXON_PATHS.licenseSecret, readOnly: true });
  }
  if (cluster.systemToken) {
    secretVolumes.push(secretVolume('system-token', cluster.systemToken.name, cluster.systemToken.key, SYSTEM_TOKEN_FILE));
    secretMounts.push({ name: 'system-token', mountPath: AXON_PATHS.systemTokenSecret, readOnly: true });
  }
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: cluster.terminationGracePeriodSeconds,
    securityContext: podSecurityContext(NON_ROOT_ID, NON_ROOT_ID, true),
    imagePullSecrets: cluster.imagePullSecrets.length > 0 ? cluster.imagePullSecrets.map((name) => ({ name })) : undefined,
    priorityClassName: cluster.priorityClassName,
    nodeSelector: Object.keys(cluster.nodeSelector).length > 0 ? { ...cluster.nodeSelector } : undefined,
    tolerations: cluster.tolerations.length > 0 ? cluster.tolerations.map((t) => ({ ...t })) : undefined,
    affinity: affinity(cluster, node),
    containers: [{
      name: CONTAINER,
      image: cluster.image,
      imagePullPolicy: cluster.imagePullPolicy,
      ports: [
        { name: 'grpc', containerPort: AXON_PORTS.grpc, protocol: 'TCP' },
        { name: 'http', containerPort: AXON_PORTS.http, protocol: 'TCP' },
        { name: 'internal', containerPort: AXON_PORTS.internal, protocol: 'TCP' },
      ],
      env: envVars(node.env),
      resources: resources(cluster.resources),
      ...containerProbes(cluster.probes),
      securityContext: containerSecurityContext(),
      volumeMounts: [
        ...node.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
        { name: 'config', mountPath: AXON_PATHS.config, readOnly: true },
        ...secretMounts,
        ...node.scratchDirs.map((d) => ({ name: d.name, mountPath: d.mountPath })),
      ],
    }],
    volumes: [
      { name: 'config', configMap: { name: cluster.config.meta.name } },
      ...secretVolumes,
      ...node.scratchDirs.map((d) => scratchVolume(d.name)),
    ],
  };
}

/** A Secret mounted as one read-only file, readable by the pod's group only. */
function secretVolume(name: string, secretName: string, key: string, file: string): k8s.Volume {
  return { name, secret: { secretName, items: [{ key, path: file }], defaultMode: 0o440 } };
}

function affinity(cluster: AxonServerModel, node: AxonServerNodeModel): k8s.Affinity {
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: { ...cluster.clusterSelector } }, topologyKey: HOST_LABEL };
  return {
    nodeAffinity: node.zone === undefined ? undefined : {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [node.zone] }] }],
      },
    },
    podAntiAffinity: cluster.podAntiAffinity === 'required'
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}
