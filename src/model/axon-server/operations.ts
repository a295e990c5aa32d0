/**
 * What runs beside the nodes: their certificates, the PodMonitor, scheduled backups, the
 * registration of apps and users, the StorageClasses, and the gates between node waves.
 */
import { ADMIN_GROUP } from '../../domain/roles';
import { AXON_SERVER, serviceFqdn, UI_SERVICE } from '../../domain/names';
import { AXON_PORT_NAMES, AXON_PORTS } from '../../domain/ports';
import { gateWave, WAVE } from '../../domain/waves';
import { BACKUP_NAME, backupOf } from '../backup';
import { gateJob, gateScript } from '../gates';
import { podMonitor } from '../monitoring';
import { registration } from '../registration';
import { httpUrl, type ClusterTls } from '../tls';
import type {
  AxonServerNodeModel,
  BackupModel,
  CertificateModel,
  ConfigFilesModel,
  JobModel,
  PodMonitorModel,
  ReplicationGroupModel,
  StorageClassModel,
} from '../types';
import { byText } from '../../util/text';
import { at, ClusterContext, COMPONENT } from './context';
import type { NodeInfo } from './groups';

/** Labels of the gate Jobs' pods (the NetworkPolicy lets them reach the nodes' HTTP port). */
export const GATE_NAME = 'axon-deploy-gate';
export const GATE_COMPONENT = 'rollout-gate';

export function certificates(
  ctx: ClusterContext,
  nodes: readonly AxonServerNodeModel[],
  tls: ClusterTls | undefined,
): CertificateModel[] {
  const { labels } = ctx;
  return nodes.flatMap((n) => {
    const stable = labels.full(labels.stable(AXON_SERVER, n.name, COMPONENT));
    const cert = tls?.certificate(n.name, (name) => ({ name, labels: stable, wave: WAVE.config }), stable);
    if (cert) ctx.names.claim('Certificate', cert.meta.name, at('tls', 'certManager'));
    return cert ? [cert] : [];
  });
}

export function serverMonitor(ctx: ClusterContext, tls: ClusterTls | undefined): PodMonitorModel | undefined {
  if (!ctx.monitoring.enabled) return undefined;
  const { labels } = ctx;
  ctx.names.claim('PodMonitor', AXON_SERVER, at(), 'the Axon Server PodMonitor');
  return podMonitor(
    ctx.monitoring,
    {
      name: AXON_SERVER,
      labels: labels.full(labels.stable(AXON_SERVER, AXON_SERVER, 'metrics')),
      wave: WAVE.config,
      selector: ctx.clusterSelector,
      port: AXON_PORT_NAMES.management,
      path: '/actuator/prometheus',
    },
    tls ? { client: tls.client, serverName: `${UI_SERVICE}.${ctx.namespace}.svc` } : undefined,
  );
}

export function scheduledBackup(
  ctx: ClusterContext,
  infos: readonly NodeInfo[],
  nodes: readonly AxonServerNodeModel[],
  tls: ClusterTls | undefined,
): BackupModel | undefined {
  const { labels } = ctx;
  const adminUrls = infos
    .filter((n) => n.admin)
    .map((n) => httpUrl(tls?.client, serviceFqdn(n.node.name, ctx.namespace), AXON_PORTS.http));
  const backup = backupOf({
    config: ctx.config,
    namespace: ctx.namespace,
    nodes: nodes.map((n) => ({ name: n.name, claims: n.claims })),
    adminUrls,
    jobs: ctx.jobs,
    systemToken: ctx.systemToken,
    tls: tls?.client,
    labels: labels.full(labels.stable(AXON_SERVER, BACKUP_NAME, 'backup')),
    wave: WAVE.config,
    issues: ctx.issues,
  });
  if (backup) {
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob']) {
      ctx.names.claim(kind, BACKUP_NAME, at('backup'));
    }
    ctx.names.claim('ConfigMap', backup.script.meta.name, at('backup'));
  }
  return backup;
}

export function registrationJob(
  ctx: ClusterContext,
  groups: readonly ReplicationGroupModel[],
  tls: ClusterTls | undefined,
): { job: JobModel; script: ConfigFilesModel } | undefined {
  const { labels } = ctx;
  const registrationLabels = labels.full(labels.stable(GATE_NAME, 'axonserver-register', 'registration'));
  const registered = registration({
    config: ctx.config,
    apps: ctx.apps,
    contexts: new Set(groups.filter((g) => g.name !== ADMIN_GROUP).flatMap((g) => g.contexts)),
    jobs: ctx.jobs,
    systemToken: ctx.systemToken,
    tls: tls?.client,
    url: httpUrl(tls?.client, serviceFqdn(UI_SERVICE, ctx.namespace), AXON_PORTS.http),
    labels: registrationLabels,
    scriptLabels: registrationLabels,
    wave: WAVE.registration,
    issues: ctx.issues,
    secrets: ctx.secrets,
  });
  if (registered) {
    ctx.names.claim('Job', registered.job.meta.name, at('registration'));
    ctx.names.claim('ConfigMap', registered.script.meta.name, at('registration'));
  }
  return registered;
}

export function storageClasses(ctx: ClusterContext): StorageClassModel[] {
  const { labels } = ctx;
  return ctx.config.storageClasses.map((sc, i) => {
    ctx.names.claim('StorageClass', sc.name, at('storageClasses', i, 'name'));
    return {
      meta: {
        name: sc.name,
        labels: labels.full(labels.stable(AXON_SERVER, sc.name, 'storage')),
        wave: WAVE.config,
        protected: true,
      },
      provisioner: sc.provisioner,
      parameters: Object.entries(sc.parameters).sort(byText(([k]) => k)),
      mountOptions: sc.mountOptions,
    };
  });
}

/** The node gate script, when nodes have gates (enterprise, rolloutGate.enabled). */
export function nodeGateScript(ctx: ClusterContext): ConfigFilesModel | undefined {
  const { config, labels } = ctx;
  if (config.edition !== 'enterprise' || !config.rolloutGate.enabled) return undefined;
  const script = gateScript(
    'axonserver-gate',
    labels.full(labels.stable(GATE_NAME, 'axonserver-gate', GATE_COMPONENT)),
    WAVE.config,
  );
  ctx.names.claim('ConfigMap', script.meta.name, at('rolloutGate'), 'the node gate script');
  return script;
}

/** The Job after a node's wave that waits until the node is back in its cluster. */
export function nodeGate(
  ctx: ClusterContext,
  info: NodeInfo,
  nodeWave: number,
  script: ConfigFilesModel,
  tls: ClusterTls | undefined,
): JobModel {
  const { labels, config } = ctx;
  const nodeName = info.node.name;
  const nodeGroups = info.roles.map((r) => r.group);
  return gateJob({
    name: `${nodeName}-gate`,
    labels: labels.full(labels.stable(GATE_NAME, `${nodeName}-gate`, GATE_COMPONENT)),
    wave: gateWave(nodeWave),
    script,
    settings: ctx.jobs,
    timeoutSeconds: config.rolloutGate.timeoutSeconds,
    token: ctx.systemToken,
    tls: tls?.client,
    env: [
      { name: 'GATE_MODE', value: 'node' },
      { name: 'GATE_DESCRIPTION', value: `${nodeName} is back in ${nodeGroups.join(', ')}` },
      { name: 'AXONSERVER_URL', value: httpUrl(tls?.client, serviceFqdn(nodeName, ctx.namespace), AXON_PORTS.http) },
      { name: 'GATE_NODE', value: nodeName },
      { name: 'GATE_GROUPS', value: nodeGroups.join(',') },
      { name: 'GATE_MAX_LAG', value: String(config.rolloutGate.maxLagEntries) },
    ],
  });
}
