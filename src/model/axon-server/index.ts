/**
 * The Axon Server section -> the cluster model, as a pipeline of named steps: checks, replication
 * groups and roles, configuration files, one singleton StatefulSet per node, Services and
 * policies, exposure, and what runs beside the nodes.
 */
import { AXON_SERVER } from '../../domain/names';
import { WAVE } from '../../domain/waves';
import { clusterTls } from '../tls';
import type { AxonServerModel } from '../types';
import {
  checkAccessControl,
  checkEdition,
  checkExposure,
  checkImage,
  checkQuorum,
  checkShutdownAndProbes,
  checkStorageClasses,
  checkVolumes,
} from './checks';
import { at, AxonServerInput, clusterContext, registerSecrets } from './context';
import { bootstrapNode, nodesWithRoles, replicationGroups, rolesPerNode } from './groups';
import { buildNode, DEFAULT_LOG_VOLUME } from './nodes';
import { certificates, registrationFor, scheduledBackup, serverMonitor, storageClasses } from './operations';
import { clusterTemplate, configRevision } from './properties';
import { claimClusterNames, clientService, disruptionBudget, networkPolicy, uiExposure, uiService } from './services';

export type { AxonServerInput } from './context';
export { heapOptions } from './nodes';

export function buildAxonServer(input: AxonServerInput): AxonServerModel {
  const ctx = clusterContext(input);
  const { config, issues, names } = ctx;
  checkEdition(config, issues);
  checkAccessControl(config, issues);
  checkShutdownAndProbes(config, issues);
  const groups = replicationGroups(config, issues);
  // A role naming no node (a typo) is the error to fix: the quorum and "no role" findings it
  // causes would only bury it.
  const known = new Set(config.nodes.map((n) => n.name));
  const typo = config.replicationGroups.some((g) => Object.keys(g.roles).some((node) => !known.has(node)));
  if (!typo) checkQuorum(config, groups, issues);
  checkVolumes(config, rolesPerNode(config, groups), issues);
  checkStorageClasses(config, issues);
  checkImage(config.image, ctx.image, issues);

  const firstNode = bootstrapNode(config, groups, issues);
  const tls = clusterTls({ ...ctx, firstNode, serviceNames: [clientService(ctx).meta.name, uiService(ctx).meta.name] });
  checkExposure(config, ctx.monitoring, issues);
  const configFiles = configRevision(ctx, groups, tls);
  const template = clusterTemplate(ctx, firstNode, groups);
  names.claim('ConfigMap', configFiles.meta.name, at(), 'the Axon Server configuration');
  if (template) names.claim('ConfigMap', template.meta.name, at('replicationGroups'), 'the cluster template');
  claimClusterNames(ctx);
  registerSecrets(ctx);

  const infos = nodesWithRoles(config, groups);
  const nodes = infos.map((info) =>
    buildNode(ctx, info, { configMap: configFiles.meta.name, clusterTemplate: template, tls, wave: WAVE.nodes }),
  );
  const exposure = uiExposure(ctx);
  const certs = certificates(ctx, nodes, tls);
  const podMonitor = serverMonitor(ctx, tls);
  const backup = scheduledBackup(ctx, infos, nodes, tls);
  const registration = registrationFor(ctx, groups);

  return {
    defaults: config.nodes
      .filter((n) => !n.volumes.log)
      .map(
        (n) =>
          `node ${n.name}: a log volume of ${DEFAULT_LOG_VOLUME.size} in the cluster's default storage class (nodes[].volumes.log chooses)`,
      ),
    edition: config.edition,
    image: config.image,
    version: ctx.image?.tag ?? ctx.image?.digest ?? config.image,
    accessControl: config.accessControl.enabled,
    systemToken: ctx.systemToken,
    license: ctx.license,
    nodes,
    replicationGroups: groups,
    firstNode,
    config: configFiles,
    clusterTemplate: template,
    clientService: clientService(ctx),
    uiService: uiService(ctx),
    pdb: disruptionBudget(ctx),
    networkPolicy: networkPolicy(ctx),
    storageClasses: storageClasses(ctx),
    tls: tls?.client,
    certificates: certs,
    podMonitor,
    uiIngress: exposure.ingress,
    uiRoute: exposure.route,
    backup,
    registration,
  };
}

export { AXON_SERVER };
