/**
 * What runs beside the nodes: their certificates, the PodMonitor, scheduled backups, what the
 * controller registers (apps and users), the StorageClasses.
 */
import { ADMIN_GROUP } from '../../domain/roles';
import { AXON_SERVER, serviceFqdn, UI_SERVICE } from '../../domain/names';
import { AXON_PORT_NAMES, AXON_PORTS } from '../../domain/ports';
import { WAVE } from '../../domain/waves';
import { BACKUP_NAME, backupOf } from '../backup';
import { podMonitor } from '../monitoring';
import { registrationPlan } from '../registration';
import type { RegistrationSpec } from '../../controller/api';
import { httpUrl, type ClusterTls } from '../tls';
import type {
  AxonServerNodeModel,
  BackupModel,
  CertificateModel,
  PodMonitorModel,
  ReplicationGroupModel,
  StorageClassModel,
} from '../types';
import { byText } from '../../util/text';
import { at, ClusterContext, COMPONENT } from './context';
import type { NodeInfo } from './groups';

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
    cronJobWave: WAVE.nodes,
    issues: ctx.issues,
    script: ctx.backupScript,
  });
  if (backup) {
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob']) {
      ctx.names.claim(kind, BACKUP_NAME, at('backup'));
    }
    ctx.names.claim('ConfigMap', backup.script.meta.name, at('backup'));
  }
  return backup;
}

/** What the rollout controller registers: apps, users, its own token (Enterprise, access control on). */
export function registrationFor(
  ctx: ClusterContext,
  groups: readonly ReplicationGroupModel[],
): RegistrationSpec | undefined {
  return registrationPlan({
    config: ctx.config,
    apps: ctx.apps,
    contexts: new Set(groups.filter((g) => g.name !== ADMIN_GROUP).flatMap((g) => g.contexts)),
    issues: ctx.issues,
    secrets: ctx.secrets,
  });
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
