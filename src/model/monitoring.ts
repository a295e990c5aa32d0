/**
 * Metrics: Prometheus Operator PodMonitors (monitoring.coreos.com/v1) for Axon Server's
 * /actuator/prometheus (Spring Boot's Micrometer endpoint on 8024, per AxonIQ's reference) and
 * for each app's metrics path. A PodMonitor scrapes every pod it selects, so each node is seen
 * on its own (a Service would pick one node per scrape).
 */
import type { MonitoringConfig } from '../config/schema';
import type { AxonServerClientTls, Labels, PeerModel, PodMonitorModel } from './types';

export interface MonitorInput {
  readonly name: string;
  readonly labels: Labels;
  readonly wave: number;
  readonly selector: Labels;
  readonly port: string;
  readonly path: string;
}

/** A PodMonitor with the environment's monitoring labels and interval; HTTPS when `tls` says so. */
export function podMonitor(
  monitoring: MonitoringConfig,
  input: MonitorInput,
  tls?: { client: AxonServerClientTls; serverName: string },
): PodMonitorModel {
  return {
    meta: { name: input.name, labels: { ...input.labels, ...monitoring.labels }, wave: input.wave },
    selector: input.selector,
    port: input.port,
    path: input.path,
    interval: monitoring.interval,
    tls: tls?.client.http ? { ca: tls.client.ca, serverName: tls.serverName } : undefined,
  };
}

/** The Prometheus pods, as NetworkPolicy peers. */
export const scrapersOf = (monitoring: MonitoringConfig): PeerModel[] =>
  monitoring.enabled ? monitoring.scrapers.map((p) => ({ namespace: p.namespace, podLabels: p.podLabels })) : [];
