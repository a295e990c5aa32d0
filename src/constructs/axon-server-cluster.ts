import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import type { AxonServerModel, NetworkPolicyModel } from '../model/types';
import { AxonServerNode } from './axon-server-node';
import { ConfigFiles } from './config-files';
import { objectMeta } from './meta';
import { PodDisruptionBudget } from './pod-disruption-budget';
import { Service } from './service';

export interface AxonServerClusterProps {
  /** The cluster as the model decided it. */
  readonly model: AxonServerModel;
}

/**
 * The namespaced objects of an Axon Server cluster: the shared configuration, one node per
 * entry of the model, the client and UI Services, the disruption budget and the network policy.
 * (StorageClasses are cluster-scoped and live in their own chart.)
 */
export class AxonServerCluster extends Construct {
  constructor(scope: Construct, id: string, props: AxonServerClusterProps) {
    super(scope, id);
    const m = props.model;
    new ConfigFiles(this, 'Config', { config: m.config });
    if (m.clusterTemplate) new ConfigFiles(this, 'ClusterTemplate', { config: m.clusterTemplate });
    if (m.gateScript) new ConfigFiles(this, 'GateScript', { config: m.gateScript });
    for (const node of m.nodes) new AxonServerNode(this, node.name, { node });
    new Service(this, 'ClientService', { service: m.clientService });
    new Service(this, 'UiService', { service: m.uiService });
    new PodDisruptionBudget(this, 'DisruptionBudget', { pdb: m.pdb });
    if (m.networkPolicy) networkPolicy(this, m.networkPolicy);
  }
}

/**
 * cdk8s-plus's NetworkPolicy emits exactly the rules wanted (peers by label, namespaces by their
 * kubernetes.io/metadata.name label, ingress only), so it is used instead of the L1 class.
 */
function networkPolicy(scope: Construct, np: NetworkPolicyModel): void {
  const nodes = kplus.Pods.select(scope, 'Nodes', { labels: { ...np.podSelector } });
  const policy = new kplus.NetworkPolicy(scope, 'NetworkPolicy', { metadata: objectMeta(np.meta), selector: nodes });
  const tcp = (ports: readonly number[]) => ports.map((p) => kplus.NetworkPolicyPort.tcp(p));
  policy.addIngressRule(nodes, tcp(np.internalPorts));
  policy.addIngressRule(kplus.Pods.all(scope, 'SameNamespace'), tcp(np.clientPorts));
  if (np.allowedNamespaces.length > 0) {
    policy.addIngressRule(kplus.Namespaces.select(scope, 'AllowedNamespaces', { names: [...np.allowedNamespaces] }), tcp(np.clientPorts));
  }
}
