import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { AxonServerModel, CronJobModel } from '../model/types';
import { jobProps } from './app-release';
import { AxonServerNode } from './axon-server-node';
import { ConfigFiles } from './config-files';
import { objectMeta } from './meta';
import { HttpIngress, HttpRoute, PodMonitor } from './observability';
import { podTemplate } from './pod';
import { PodDisruptionBudget } from './pod-disruption-budget';
import { Certificate, NetworkPolicy, ServiceAccountWithRole } from './security';
import { Service } from './service';

export interface AxonServerClusterProps {
  /** The cluster as the model decided it. */
  readonly model: AxonServerModel;
}

/**
 * The namespaced objects of an Axon Server cluster: the shared configuration, the nodes' TLS
 * certificates, one node per entry of the model, the client and UI Services (and the UI's route),
 * the disruption budget, the network policy, metrics and backups.
 * (StorageClasses are cluster-scoped and live in their own chart.)
 */
export class AxonServerCluster extends Construct {
  constructor(scope: Construct, id: string, props: AxonServerClusterProps) {
    super(scope, id);
    const m = props.model;
    new ConfigFiles(this, 'Config', { config: m.config });
    if (m.clusterTemplate) new ConfigFiles(this, 'ClusterTemplate', { config: m.clusterTemplate });
    for (const certificate of m.certificates)
      new Certificate(this, `Certificate-${certificate.meta.name}`, { certificate });
    for (const node of m.nodes) new AxonServerNode(this, node.name, { node });
    new Service(this, 'ClientService', { service: m.clientService });
    new Service(this, 'UiService', { service: m.uiService });
    if (m.uiIngress) new HttpIngress(this, 'UiIngress', { ingress: m.uiIngress });
    if (m.uiRoute) new HttpRoute(this, 'UiRoute', { route: m.uiRoute });
    new PodDisruptionBudget(this, 'DisruptionBudget', { pdb: m.pdb });
    if (m.networkPolicy) new NetworkPolicy(this, 'NetworkPolicy', { policy: m.networkPolicy });
    if (m.podMonitor) new PodMonitor(this, 'PodMonitor', { monitor: m.podMonitor });
    if (m.backup) {
      new ConfigFiles(this, 'BackupScript', { config: m.backup.script });
      new ServiceAccountWithRole(this, 'BackupIdentity', {
        serviceAccount: m.backup.serviceAccount,
        role: m.backup.role,
        binding: m.backup.roleBinding,
      });
      new k8s.KubeCronJob(this, 'Backup', cronJob(m.backup.cronJob));
    }
  }
}

function cronJob(c: CronJobModel): k8s.KubeCronJobProps {
  const { spec } = jobProps({ ...c.job, meta: c.meta });
  return {
    metadata: objectMeta(c.meta),
    spec: {
      schedule: c.schedule,
      timeZone: c.timeZone,
      // A run still waiting for its snapshots is never doubled; a missed run is not made up late.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { metadata: { labels: { ...c.meta.labels } }, spec: { ...spec!, template: podTemplate(c.job.pod) } },
    },
  };
}
