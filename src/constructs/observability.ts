/**
 * How people and Prometheus reach Axon Server and the apps: PodMonitors, Ingresses and Gateway API
 * HTTPRoutes (of the Axon Server UI and of the apps' live and preview Services), and the apps'
 * HorizontalPodAutoscalers. L1 classes.
 */
import { Construct } from 'constructs';
import * as gw from '../../imports/httproute-gateway.networking.k8s.io';
import * as k8s from '../../imports/k8s';
import * as mon from '../../imports/podmonitor-monitoring.coreos.com';
import type { AutoscalerModel, HttpRouteModel, IngressModel, PodMonitorModel } from '../model/types';
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
        podMetricsEndpoints: [
          {
            port: m.port,
            path: m.path,
            interval: m.interval,
            scheme: m.tls
              ? mon.PodMonitorSpecPodMetricsEndpointsScheme.HTTPS
              : mon.PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
            tlsConfig:
              m.tls && ca
                ? {
                    ca:
                      ca.kind === 'Secret'
                        ? { secret: { name: ca.name, key: ca.key } }
                        : { configMap: { name: ca.name, key: ca.key } },
                    // Pods are scraped by IP: check the name every node's certificate carries.
                    serverName: m.tls.serverName,
                  }
                : undefined,
          },
        ],
      },
    });
  }
}

/** An Ingress of one host and path prefix to one Service, with TLS at the ingress when a Secret is given. */
export class HttpIngress extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ingress: IngressModel }) {
    super(scope, id);
    const i = props.ingress;
    const meta = objectMeta(i.meta);
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { ...meta, annotations: { ...meta.annotations, ...i.annotations } },
      spec: {
        ingressClassName: i.className,
        tls: i.tlsSecretName ? [{ hosts: [i.host], secretName: i.tlsSecretName }] : undefined,
        rules: [
          {
            host: i.host,
            http: {
              paths: [
                {
                  path: i.path,
                  pathType: 'Prefix',
                  backend: { service: { name: i.service.name, port: { number: i.service.port } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}

/** A Gateway API HTTPRoute of its host names (and a path prefix) to one Service. */
export class HttpRoute extends Construct {
  constructor(scope: Construct, id: string, props: { readonly route: HttpRouteModel }) {
    super(scope, id);
    const r = props.route;
    new gw.HttpRoute(this, 'Resource', {
      metadata: objectMeta(r.meta),
      spec: {
        parentRefs: r.parentRefs.map((p) => ({ name: p.name, namespace: p.namespace, sectionName: p.sectionName })),
        hostnames: r.hostnames.length > 0 ? [...r.hostnames] : undefined,
        rules: [
          {
            matches: r.path
              ? [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: r.path } }]
              : undefined,
            backendRefs: [{ name: r.service.name, port: r.service.port }],
          },
        ],
      },
    });
  }
}

/** A HorizontalPodAutoscaler (autoscaling/v2) of one Deployment, on average utilisation of the requests. */
export class Autoscaler extends Construct {
  constructor(scope: Construct, id: string, props: { readonly autoscaler: AutoscalerModel }) {
    super(scope, id);
    const a = props.autoscaler;
    const target = (name: 'cpu' | 'memory', percent: number | undefined): k8s.MetricSpecV2[] =>
      percent === undefined
        ? []
        : [
            {
              type: 'Resource',
              resource: { name, target: { type: 'Utilization', averageUtilization: percent } },
            },
          ];
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: objectMeta(a.meta),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: a.deployment },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [...target('cpu', a.cpu), ...target('memory', a.memory)],
      },
    });
  }
}
