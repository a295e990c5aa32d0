/**
 * How people and Prometheus reach Axon Server and the apps: PodMonitors, and the UI's Ingress or
 * Gateway API HTTPRoute. L1 classes.
 */
import { Construct } from 'constructs';
import * as gw from '../../imports/httproute-gateway.networking.k8s.io';
import * as k8s from '../../imports/k8s';
import * as mon from '../../imports/podmonitor-monitoring.coreos.com';
import type { HttpRouteModel, IngressModel, PodMonitorModel } from '../model/types';
import { objectMeta } from './meta';

export class PodMonitor extends Construct {
  constructor(scope: Construct, id: string, props: { readonly monitor: PodMonitorModel }) {
    super(scope, id);
    const m = props.monitor;
    const ca = m.tls?.ca;
    new mon.PodMonitor(this, 'Resource', {
      metadata: objectMeta(m.meta),
      spec: {
        selector: { matchLabels: { ...m.selector } },
        podMetricsEndpoints: [{
          port: m.port,
          path: m.path,
          interval: m.interval,
          scheme: m.tls ? mon.PodMonitorSpecPodMetricsEndpointsScheme.HTTPS : mon.PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
          tlsConfig: m.tls && ca
            ? {
              ca: ca.kind === 'Secret' ? { secret: { name: ca.name, key: ca.key } } : { configMap: { name: ca.name, key: ca.key } },
              // Pods are scraped by IP: check the name every node's certificate carries.
              serverName: m.tls.serverName,
            }
            : undefined,
        }],
      },
    });
  }
}

export class UiIngress extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ingress: IngressModel }) {
    super(scope, id);
    const i = props.ingress;
    const meta = objectMeta(i.meta);
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { ...meta, annotations: { ...meta.annotations, ...i.annotations } },
      spec: {
        ingressClassName: i.className,
        tls: i.tlsSecretName ? [{ hosts: [i.host], secretName: i.tlsSecretName }] : undefined,
        rules: [{
          host: i.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: i.service.name, port: { number: i.service.port } } } }] },
        }],
      },
    });
  }
}

export class UiRoute extends Construct {
  constructor(scope: Construct, id: string, props: { readonly route: HttpRouteModel }) {
    super(scope, id);
    const r = props.route;
    new gw.HttpRoute(this, 'Resource', {
      metadata: objectMeta(r.meta),
      spec: {
        parentRefs: r.parentRefs.map((p) => ({ name: p.name, namespace: p.namespace, sectionName: p.sectionName })),
        hostnames: r.hostnames.length > 0 ? [...r.hostnames] : undefined,
        rules: [{ backendRefs: [{ name: r.service.name, port: r.service.port }] }],
      },
    });
  }
}
