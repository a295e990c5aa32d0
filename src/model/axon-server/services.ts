/**
 * How the cluster is reached: the client Service (nodes that serve clients), the UI Service
 * (`_admin` nodes), the PodDisruptionBudget, the NetworkPolicy that decides who reaches which
 * port, and the UI's Ingress or HTTPRoute.
 */
import { LABEL_ADMIN_NODE, LABEL_API_CLIENT, LABEL_SERVES_CLIENTS } from '../../domain/keys';
import { AXON_SERVER, CLIENT_SERVICE, UI_SERVICE } from '../../domain/names';
import { AXON_PORTS } from '../../domain/ports';
import { WAVE } from '../../domain/waves';
import { scrapersOf } from '../monitoring';
import type {
  HttpRouteModel,
  IngressModel,
  NetworkPolicyModel,
  PeerModel,
  PodDisruptionBudgetModel,
  ServiceModel,
} from '../types';
import { at, ClusterContext } from './context';
import { servicePorts } from './nodes';

/** Claims the cluster-wide names first, so a node or app that takes one is the one told to rename. */
export function claimClusterNames(ctx: ClusterContext): void {
  const { names } = ctx;
  names.claim('Service', CLIENT_SERVICE, at(), 'the Axon Server client Service');
  names.claim('Service', UI_SERVICE, at(), 'the Axon Server UI Service');
  names.claim('PodDisruptionBudget', AXON_SERVER, at(), 'the Axon Server PodDisruptionBudget');
  if (ctx.config.networkPolicy.enabled) {
    names.claim('NetworkPolicy', AXON_SERVER, at(), 'the Axon Server NetworkPolicy');
  }
}

export function clientService(ctx: ClusterContext): ServiceModel {
  return {
    meta: { name: CLIENT_SERVICE, labels: ctx.clusterLabels, wave: WAVE.services },
    selector: { ...ctx.clusterSelector, [LABEL_SERVES_CLIENTS]: 'true' },
    ports: servicePorts(['grpc']),
  };
}

export function uiService(ctx: ClusterContext): ServiceModel {
  return {
    meta: { name: UI_SERVICE, labels: ctx.clusterLabels, wave: WAVE.services },
    // Only _admin members serve the UI and the admin REST API.
    selector: { ...ctx.clusterSelector, [LABEL_ADMIN_NODE]: 'true' },
    ports: servicePorts(['http']),
    // The UI keeps a session per node; with access control a new node means a new login.
    sessionAffinity: 'ClientIP',
  };
}

export function disruptionBudget(ctx: ClusterContext): PodDisruptionBudgetModel {
  return {
    meta: { name: AXON_SERVER, labels: ctx.clusterLabels, wave: WAVE.config },
    selector: ctx.clusterSelector,
    maxUnavailable: 1,
  };
}

export function networkPolicy(ctx: ClusterContext): NetworkPolicyModel | undefined {
  const { config } = ctx;
  if (!config.networkPolicy.enabled) return undefined;
  const clusterPeers: PeerModel = { podLabels: ctx.clusterSelector };
  const apiClients: PeerModel = { podLabels: { [LABEL_API_CLIENT]: 'true' } };
  const namespaces = [...new Set(config.networkPolicy.allowedNamespaces)].sort();
  return {
    meta: { name: AXON_SERVER, labels: ctx.clusterLabels, wave: WAVE.config },
    podSelector: ctx.clusterSelector,
    rules: [
      // Node-to-node traffic: between the nodes only.
      { ports: [AXON_PORTS.internal], from: [clusterPeers] },
      // Client gRPC: the apps of the namespace and of networkPolicy.allowedNamespaces.
      {
        ports: [AXON_PORTS.grpc],
        from: [{ podLabels: {} }, ...namespaces.map((ns) => ({ namespace: ns, podLabels: {} }))],
      },
      // HTTP (UI, REST API): the nodes, axon-deploy's Jobs and controller, ui.allowedFrom.
      {
        ports: [AXON_PORTS.http],
        from: [
          clusterPeers,
          apiClients,
          ...config.ui.allowedFrom.map((p) => ({ namespace: p.namespace, podLabels: p.podLabels })),
        ],
      },
      // The actuator (no token needed there): axon-deploy's Jobs and controller, and Prometheus —
      // never ui.allowedFrom (the ingress controller). The kubelet's probes are not subject to it.
      { ports: [AXON_PORTS.management], from: [apiClients, ...scrapersOf(ctx.monitoring)] },
    ],
  };
}

/** The UI's Ingress and HTTPRoute, when configured. */
export function uiExposure(ctx: ClusterContext): { ingress?: IngressModel; route?: HttpRouteModel } {
  const { ui } = ctx.config;
  const meta = { name: UI_SERVICE, labels: ctx.clusterLabels, wave: WAVE.services };
  const service = { name: UI_SERVICE, port: AXON_PORTS.http };
  if (ui.ingress) ctx.names.claim('Ingress', UI_SERVICE, at('ui', 'ingress'));
  if (ui.httpRoute) ctx.names.claim('HTTPRoute', UI_SERVICE, at('ui', 'httpRoute'));
  return {
    ingress: ui.ingress
      ? {
          meta,
          host: ui.ingress.host,
          path: '/',
          className: ui.ingress.className,
          tlsSecretName: ui.ingress.tlsSecretName,
          annotations: ui.ingress.annotations,
          service,
        }
      : undefined,
    route: ui.httpRoute
      ? { meta, parentRefs: ui.httpRoute.parentRefs, hostnames: ui.httpRoute.hostnames, service }
      : undefined,
  };
}
