/**
 * Axon Server replication-group roles, defined once: which roles vote, which serve clients, and
 * the quorum arithmetic of a group. The schema, the model, the review and the topology read these.
 */

export const ROLES = ['PRIMARY', 'SECONDARY', 'ACTIVE_BACKUP', 'PASSIVE_BACKUP', 'MESSAGING_ONLY'] as const;
export type Role = (typeof ROLES)[number];

/** The replication group (and context) Axon Server keeps its own cluster configuration in. */
export const ADMIN_GROUP = '_admin';

/** Roles that take part in a group's elections. */
/**
 * Roles an application (a token) can hold in a context, per AxonIQ's access-control reference
 * (Enterprise): USE_CONTEXT covers what an Axon Framework app does.
 */
export const APPLICATION_ROLES = [
  'USE_CONTEXT',
  'READ_EVENTS',
  'PUBLISH_EVENTS',
  'DISPATCH_COMMANDS',
  'DISPATCH_QUERY',
  'SUBSCRIBE_COMMAND_HANDLER',
  'SUBSCRIBE_QUERY_HANDLER',
  'MONITOR',
  'VIEW_CONFIGURATION',
  'CONTEXT_ADMIN',
] as const;
export type ApplicationRole = (typeof APPLICATION_ROLES)[number];

export const VOTING_ROLES: readonly Role[] = ['PRIMARY', 'ACTIVE_BACKUP'];
export const isVoting = (role: Role): boolean => VOTING_ROLES.includes(role);

/** Roles whose nodes serve client applications (commands, queries, events). */
export const CLIENT_ROLES: readonly Role[] = ['PRIMARY', 'MESSAGING_ONLY'];
export const servesClients = (role: Role): boolean => CLIENT_ROLES.includes(role);

/** Roles whose nodes store events. */
export const STORING_ROLES: readonly Role[] = ['PRIMARY', 'SECONDARY', 'ACTIVE_BACKUP', 'PASSIVE_BACKUP'];

/**
 * The quorum arithmetic of one replication group. AxonIQ's reference guide (Replication Groups):
 * "a majority of primary nodes is needed for a replication group to be available". ACTIVE_BACKUP
 * nodes vote and store but are counted on their own: a write must also be confirmed by
 * `min-active-backups` of them (default 1) when the group has any.
 */
export interface Quorum {
  readonly primaries: number;
  /** PRIMARY nodes that must be up for the group to be available. */
  readonly majority: number;
  /** PRIMARY nodes the group can lose and stay available. */
  readonly tolerates: number;
  readonly activeBackups: number;
}

export function quorumOf(roles: readonly { readonly role: Role }[]): Quorum {
  const primaries = roles.filter((r) => r.role === 'PRIMARY').length;
  const majority = Math.floor(primaries / 2) + 1;
  return {
    primaries,
    majority,
    tolerates: Math.max(0, primaries - majority),
    activeBackups: roles.filter((r) => r.role === 'ACTIVE_BACKUP').length,
  };
}
