/**
 * The files mounted at /axonserver/config and beside it: `axonserver.properties` (common to all
 * nodes, a revision named by its content) and, for Enterprise, the cluster template (updated in
 * place). Every path a running server writes to is set to a volume (the root filesystem is
 * read-only); defaults and names from Axon Server's MessagingPlatformConfiguration and the
 * reference guide's configuration list, all relative to the working directory /axonserver
 * otherwise.
 */
import type { AxonServerConfig } from '../../config/schema';
import { WAVE } from '../../domain/waves';
import { CLUSTER_TEMPLATE_CONFIG_MAP, CONFIG_REVISION_PREFIX } from '../../domain/names';
import { AXON_PORTS } from '../../domain/ports';
import {
  AXON_PATHS,
  CLUSTER_TEMPLATE_FILE,
  PROPERTIES_FILE,
  renderClusterTemplate,
  renderProperties,
  SYSTEM_TOKEN_FILE,
} from '../axon-config';
import { contentNamed } from '../config-files';
import type { Issues } from '../issues';
import { secretLiteralProblem } from '../secret-literals';
import type { ClusterTls } from '../tls';
import type { ConfigFilesModel, ReplicationGroupModel } from '../types';
import { at, ClusterContext } from './context';

/** Properties axon-deploy sets itself, with the field that controls each (compared relaxed, as Spring does). */
const MANAGED_PROPERTIES: Readonly<Record<string, string>> = {
  'axoniq.axonserver.name': 'nodes[].name',
  'axoniq.axonserver.hostname': 'nodes[].name',
  'axoniq.axonserver.domain': 'namespace',
  'axoniq.axonserver.internal-hostname': 'nodes[].name',
  'axoniq.axonserver.internal-domain': 'namespace',
  'axoniq.axonserver.port': 'the fixed gRPC port 8124',
  'axoniq.axonserver.internal-port': 'the fixed internal port 8224',
  'server.port': 'the fixed HTTP port 8024',
  'management.server.port': 'the fixed actuator port 8025 (never published by the UI Ingress)',
  'axoniq.axonserver.force-connection-to-primary-or-messaging-node':
    'replicationGroups (set when a group has nodes that must not serve clients)',
  'axoniq.axonserver.event.storage': 'nodes[].volumes.events',
  'axoniq.axonserver.snapshot.storage': 'nodes[].volumes.events',
  'axoniq.axonserver.controldb-path': 'nodes[].volumes.data',
  'axoniq.axonserver.controldb-backup-location': 'nodes[].volumes.data (backups)',
  'axoniq.axonserver.pid-file-location': 'nodes[].volumes.data',
  'axoniq.axonserver.plugin-package-directory': 'nodes[].volumes.plugins',
  'axoniq.axonserver.plugin-cache-directory': 'nodes[].volumes.plugins',
  'management.endpoints.web.exposure.include': 'actuator.exposure',
  'management.endpoint.health.show-details': 'actuator.healthDetails',
  'axoniq.axonserver.replication.log-storage-folder': 'nodes[].volumes.log',
  'axoniq.axonserver.enterprise.license-directory': 'license',
  'axoniq.axonserver.accesscontrol.enabled': 'accessControl.enabled',
  'axoniq.axonserver.accesscontrol.internal-token':
    'accessControl.internalTokenSecret (tokens live in Secrets, never in a ConfigMap)',
  'axoniq.axonserver.accesscontrol.systemtokenfile': 'accessControl.systemTokenSecret',
  'axoniq.axonserver.clustertemplate.path': 'replicationGroups',
  'axoniq.axonserver.standalone': 'edition',
};
const MANAGED_PREFIXES: Readonly<Record<string, string>> = {
  'axoniq.axonserver.autocluster.':
    'replicationGroups (Axon Server refuses autocluster together with a cluster template)',
  'axoniq.axonserver.cluster-template.': 'replicationGroups',
  'axoniq.axonserver.tags.': 'nodes[].tags and nodes[].zone',
  'axoniq.axonserver.ssl.': 'tls',
  'server.ssl.': 'tls.http',
  'management.server.ssl.': 'tls.http',
};
const relaxed = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const MANAGED_RELAXED = new Map(Object.entries(MANAGED_PROPERTIES).map(([k, v]) => [relaxed(k), v]));

/** The configuration revision, `axonserver-config-<hash>`, that every node mounts. */
export function configRevision(
  ctx: ClusterContext,
  groups: readonly ReplicationGroupModel[],
  tls: ClusterTls | undefined,
): ConfigFilesModel {
  const props = managedProperties(ctx.config, ctx.domain, groups, tls);
  for (const [key, value] of userProperties(ctx.config, ctx.issues)) props.set(key, value);
  return contentNamed(
    CONFIG_REVISION_PREFIX,
    [[PROPERTIES_FILE, renderProperties(ctx.sourceFile, props)]],
    ctx.clusterLabels,
    WAVE.config,
  );
}

/**
 * The cluster template (Enterprise). Not a revision: Axon Server applies it only on the first
 * start of a clean cluster (and a new node joins by it), so a running node restarted out of turn
 * ignores it, and a template change (a node added) must not restart every node.
 */
export function clusterTemplate(
  ctx: ClusterContext,
  firstNode: string,
  groups: readonly ReplicationGroupModel[],
): ConfigFilesModel | undefined {
  if (ctx.config.edition !== 'enterprise') return undefined;
  const first = `${firstNode}.${ctx.domain}:${AXON_PORTS.internal}`;
  return {
    meta: { name: CLUSTER_TEMPLATE_CONFIG_MAP, labels: ctx.clusterLabels, wave: WAVE.config },
    files: [[CLUSTER_TEMPLATE_FILE, renderClusterTemplate(ctx.sourceFile, first, groups)]],
  };
}

/** A group with a SECONDARY, ACTIVE_BACKUP or PASSIVE_BACKUP node (`_admin` included). */
function hasNodesThatServeNoClients(groups: readonly ReplicationGroupModel[]): boolean {
  return groups.some((g) => g.roles.some((r) => r.role !== 'PRIMARY' && r.role !== 'MESSAGING_ONLY'));
}

function managedProperties(
  config: AxonServerConfig,
  domain: string,
  groups: readonly ReplicationGroupModel[],
  tls: ClusterTls | undefined,
): Map<string, string> {
  const props = new Map<string, string>([
    ['axoniq.axonserver.port', String(AXON_PORTS.grpc)],
    ['axoniq.axonserver.internal-port', String(AXON_PORTS.internal)],
    ['server.port', String(AXON_PORTS.http)],
    ['axoniq.axonserver.domain', domain],
    ['axoniq.axonserver.internal-domain', domain],
    ['axoniq.axonserver.event.storage', AXON_PATHS.events],
    ['axoniq.axonserver.snapshot.storage', AXON_PATHS.events],
    ['axoniq.axonserver.controldb-path', AXON_PATHS.data],
    // POST /v1/backup/createControlDbBackup writes controldb<millis>.zip here (default "."): on
    // the data volume, so the backup's snapshot of that volume holds it.
    ['axoniq.axonserver.controldb-backup-location', AXON_PATHS.data],
    ['axoniq.axonserver.pid-file-location', AXON_PATHS.data],
    // Uploaded plugins must be on persistent storage (reference guide, "Plugins": "It is
    // important that the location where the plugins are stored is persistent"): the data volume
    // (a node with its own plugins volume overrides this, model/axon-server/nodes.ts); the
    // unpacked cache need not be ("Axon Server reinstalls the configured extensions on restart").
    ['axoniq.axonserver.plugin-package-directory', AXON_PATHS.pluginBundlesOnData],
    ['axoniq.axonserver.plugin-cache-directory', `${AXON_PATHS.plugins}/cache`],
    // The actuator on its own port: every /actuator endpoint answers without a token
    // (WebSecurityConfigurer), so 8024, which the UI Ingress publishes, must not carry it.
    ['management.server.port', String(AXON_PORTS.management)],
    // Axon Server exposes env, loggers and metrics too, without a token: expose what is used.
    ['management.endpoints.web.exposure.include', [...new Set(config.actuator.exposure)].join(',')],
    ['management.endpoint.health.show-details', config.actuator.healthDetails],
    ['axoniq.axonserver.replication.log-storage-folder', AXON_PATHS.log],
    ['axoniq.axonserver.accesscontrol.enabled', String(config.accessControl.enabled)],
  ]);
  if (config.accessControl.enabled && config.accessControl.systemTokenSecret) {
    props.set(
      'axoniq.axonserver.accesscontrol.systemtokenfile',
      `${AXON_PATHS.systemTokenSecret}/${SYSTEM_TOKEN_FILE}`,
    );
  }
  if (config.edition === 'enterprise') {
    props.set('axoniq.axonserver.enterprise.licenseDirectory', AXON_PATHS.licenseDirectory);
    props.set('axoniq.axonserver.clustertemplate.path', `${AXON_PATHS.clusterTemplate}/${CLUSTER_TEMPLATE_FILE}`);
  } else {
    props.set('axoniq.axonserver.standalone', 'true');
  }
  // Clients may connect to any node of a context unless this is set (MessagingPlatformConfiguration
  // forceConnectionToPrimaryOrMessagingNode, default false; reference guide release notes 4.6.0):
  // with SECONDARY or backup nodes, apps would otherwise land on the archive nodes.
  if (hasNodesThatServeNoClients(groups)) {
    props.set('axoniq.axonserver.force-connection-to-primary-or-messaging-node', 'true');
  }
  for (const [key, value] of tls?.properties ?? []) props.set(key, value);
  return props;
}

/** The user's `properties`, without those axon-deploy manages and without secrets. */
function userProperties(config: AxonServerConfig, issues: Issues): [string, string][] {
  const accepted: [string, string][] = [];
  for (const [key, value] of Object.entries(config.properties)) {
    const path = at('properties', key);
    const managedBy =
      MANAGED_RELAXED.get(relaxed(key)) ??
      Object.entries(MANAGED_PREFIXES).find(([prefix]) => relaxed(key).startsWith(relaxed(prefix)))?.[1];
    if (managedBy) {
      issues.error(path, `"${key}" is set by axon-deploy from ${managedBy}; remove it from properties`);
      continue;
    }
    // Property names: only a name that ends like a secret (token-dir is a directory, not a token).
    const why = /(password|secret|token|credentials?)$/i.test(key)
      ? 'its name says it is a secret'
      : secretLiteralProblem('', String(value));
    if (why) {
      issues.error(
        path,
        `"${key}" looks like a secret (${why}): properties are rendered into a ConfigMap in dist/, in plain text; set it from a Secret instead (as an environment variable of the nodes)`,
      );
      continue;
    }
    accepted.push([key, String(value)]);
  }
  return accepted;
}
