/**
 * Replication groups and roles: the declared groups in config order with `_admin` first (declared,
 * or derived from the PRIMARY nodes), each node's roles, and the node that initialises a clean
 * cluster.
 */
import type { ConfigPath } from '../../config/diagnostics';
import type { AxonServerConfig, NodeConfig } from '../../config/schema';
import { ADMIN_GROUP, isVoting, Role, servesClients as roleServesClients } from '../../domain/roles';
import type { Issues } from '../issues';
import type { ReplicationGroupModel } from '../types';
import { closest } from '../../util/text';
import { at } from './context';

/** Declared groups in config order, `_admin` first (declared, or derived from the PRIMARY nodes). */
export function replicationGroups(config: AxonServerConfig, issues: Issues): ReplicationGroupModel[] {
  if (config.edition === 'standard') return [];
  const nodeOrder = new Map(config.nodes.map((n, i) => [n.name, i]));
  const seenGroups = new Set<string>();
  const seenContexts = new Map<string, string>();
  const groups: ReplicationGroupModel[] = [];
  config.replicationGroups.forEach((g, gi) => {
    if (seenGroups.has(g.name))
      issues.error(at('replicationGroups', gi, 'name'), `replication group "${g.name}" is declared twice`);
    seenGroups.add(g.name);
    if (g.name.startsWith('_') && g.name !== ADMIN_GROUP) {
      issues.error(
        at('replicationGroups', gi, 'name'),
        `names starting with "_" are reserved by Axon Server (only ${ADMIN_GROUP} may be declared)`,
      );
    }
    g.contexts.forEach((c, ci) => {
      const cpath = at('replicationGroups', gi, 'contexts', ci);
      if (c === ADMIN_GROUP && g.name !== ADMIN_GROUP)
        issues.error(cpath, `the ${ADMIN_GROUP} context belongs to the ${ADMIN_GROUP} replication group`);
      else if (c.startsWith('_') && c !== ADMIN_GROUP)
        issues.error(cpath, 'context names starting with "_" are reserved by Axon Server');
      else if (seenContexts.has(c))
        issues.error(
          cpath,
          `context "${c}" is already stored by replication group "${seenContexts.get(c) ?? ''}"; a context belongs to one group`,
        );
      seenContexts.set(c, g.name);
    });
    for (const node of Object.keys(g.roles)) {
      if (!nodeOrder.has(node)) {
        const guess = closest(node, nodeOrder.keys());
        issues.error(
          at('replicationGroups', gi, 'roles', node),
          `no node is named "${node}"${guess ? ` (did you mean "${guess}"?)` : ''}; nodes: ${[...nodeOrder.keys()].join(', ')}`,
        );
      }
    }
    const roles = Object.entries(g.roles)
      .filter(([node]) => nodeOrder.has(node))
      .sort(([a], [b]) => nodeOrder.get(a)! - nodeOrder.get(b)!)
      .map(([node, role]) => ({ node, role }));
    const contexts = g.name === ADMIN_GROUP ? [ADMIN_GROUP] : g.contexts;
    groups.push({ name: g.name, contexts, roles });
  });
  if (!groups.some((g) => g.name !== ADMIN_GROUP)) {
    issues.error(
      at('replicationGroups'),
      'an enterprise cluster needs at least one replication group with a context for the apps, e.g. { name: default, contexts: [default], roles: { <node>: PRIMARY } }',
    );
  }
  const declaredAdmin = groups.find((g) => g.name === ADMIN_GROUP);
  const admin: ReplicationGroupModel = declaredAdmin ?? {
    name: ADMIN_GROUP,
    contexts: [ADMIN_GROUP],
    roles: config.nodes
      .filter((n) => groups.some((g) => g.roles.some((r) => r.node === n.name && r.role === 'PRIMARY')))
      .map((n) => ({ node: n.name, role: 'PRIMARY' as const })),
    derived: true,
  };
  return [admin, ...groups.filter((g) => g.name !== ADMIN_GROUP)];
}

export function rolesPerNode(config: AxonServerConfig, groups: readonly ReplicationGroupModel[]) {
  const byNode = new Map<string, { group: string; role: Role }[]>(config.nodes.map((n) => [n.name, []]));
  for (const g of groups) for (const r of g.roles) byNode.get(r.node)?.push({ group: g.name, role: r.role });
  return byNode;
}

export function groupPath(config: AxonServerConfig, group: ReplicationGroupModel): ConfigPath {
  const index = config.replicationGroups.findIndex((g) => g.name === group.name);
  return index >= 0 ? at('replicationGroups', index, 'roles') : at('replicationGroups');
}

/**
 * The node that initialises a clean cluster: the first PRIMARY of `_admin` (declared or
 * derived), or the first node. The others join it.
 */
export function bootstrapNode(
  config: AxonServerConfig,
  groups: readonly ReplicationGroupModel[],
  issues: Issues,
): string {
  const admin = groups.find((g) => g.name === ADMIN_GROUP);
  const primaries = admin?.roles.filter((r) => r.role === 'PRIMARY').map((r) => r.node) ?? [];
  const chosen = config.bootstrapNode;
  if (chosen !== undefined && config.edition === 'enterprise' && !primaries.includes(chosen)) {
    issues.error(
      at('bootstrapNode'),
      `expected a PRIMARY node of ${ADMIN_GROUP} (${primaries.join(', ') || 'none'}), got "${chosen}": the node that forms a clean cluster leads ${ADMIN_GROUP}`,
    );
  }
  if (chosen !== undefined && primaries.includes(chosen)) return chosen;
  return primaries[0] ?? config.nodes[0].name;
}

/** A node with what its roles make it. */
export interface NodeInfo {
  readonly node: NodeConfig;
  readonly index: number;
  readonly roles: readonly { readonly group: string; readonly role: Role }[];
  /** A member of `_admin`: serves the UI and the admin REST API (a standalone node: itself). */
  readonly admin: boolean;
  /** PRIMARY or ACTIVE_BACKUP somewhere (a standalone node: itself). */
  readonly voter: boolean;
  /** PRIMARY or MESSAGING_ONLY in a group other than `_admin` (a standalone node: itself). */
  readonly servesClients: boolean;
}

export function nodesWithRoles(config: AxonServerConfig, groups: readonly ReplicationGroupModel[]): NodeInfo[] {
  const rolesByNode = rolesPerNode(config, groups);
  const standalone = config.edition === 'standard';
  return config.nodes.map((node, index) => {
    const roles = rolesByNode.get(node.name) ?? [];
    return {
      node,
      index,
      roles,
      admin: standalone || roles.some((r) => r.group === ADMIN_GROUP),
      voter: standalone || roles.some((r) => isVoting(r.role)),
      servesClients: standalone || roles.some((r) => r.group !== ADMIN_GROUP && roleServesClients(r.role)),
    };
  });
}
