/**
 * The files mounted at /axonserver/config: `axonserver.properties` (common to all nodes) and,
 * for Enterprise, `cluster-template.yml`. Rendered here, as text, so the checksum that rolls the
 * nodes is computed from exactly what the nodes read.
 */
import { stringify } from 'yaml';
import type { ReplicationGroupModel } from './types';

export const AXON_PATHS = {
  home: '/axonserver',
  config: '/axonserver/config',
  /** The cluster template, apart from the properties (see model/axon-server.ts). */
  clusterTemplate: '/axonserver/cluster-template',
  events: '/axonserver/events',
  data: '/axonserver/data',
  log: '/axonserver/log',
  plugins: '/axonserver/plugins',
  /** Uploaded plugin bundles on the data volume (persistent), unless a node has a plugins volume. */
  pluginBundlesOnData: '/axonserver/data/plugins/bundles',
  exts: '/axonserver/exts',
  licenseSecret: '/axonserver/secrets/license',
  /** The node's TLS Secret (certificate, PKCS#8 key, CA, keystore), as a directory. */
  tls: '/axonserver/tls',
  /** The CA bundle, when one is configured apart from the nodes' Secrets. */
  ca: '/axonserver/ca',
  /** Heap dumps on OutOfMemoryError (an emptyDir: it survives container restarts). */
  heapDumps: '/axonserver/heapdumps',
  systemTokenSecret: '/axonserver/secrets/system-token',
  /** Writable: Axon Server stores licences it receives here. On the data volume, so they persist. */
  licenseDirectory: '/axonserver/data/license',
  tmp: '/tmp',
} as const;

export const PROPERTIES_FILE = 'axonserver.properties';
export const CLUSTER_TEMPLATE_FILE = 'cluster-template.yml';
export const LICENSE_FILE = 'axoniq.license';
export const SYSTEM_TOKEN_FILE = 'token';

/** Escapes a key or value for a Java properties file (ISO-8859-1 safe). */
export function escapeProperty(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (isKey && (ch === '=' || ch === ':' || ch === ' ' || ch === '#' || ch === '!')) out += `\\${ch}`;
    else if (!isKey && i === 0 && (ch === ' ' || ch === '#' || ch === '!')) out += `\\${ch}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** `key=value` lines sorted by key, under a header saying where they come from. */
export function renderProperties(source: string, properties: ReadonlyMap<string, string>): string {
  const lines = [...properties.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${escapeProperty(k, true)}=${escapeProperty(v, false)}`);
  return [
    `# Rendered by axon-deploy from ${source}. Do not edit: change the config file and synth.`,
    ...lines,
    '',
  ].join('\n');
}

/**
 * The cluster template: replication groups with the role of each node and their contexts.
 * Axon Server applies it once, on the first start of a clean cluster; `first` is the internal
 * address of the node that initialises the cluster (the others join it).
 */
export function renderClusterTemplate(source: string, first: string, groups: readonly ReplicationGroupModel[]): string {
  const template = {
    axoniq: {
      axonserver: {
        'cluster-template': {
          first,
          replicationGroups: groups.map((g) => ({
            name: g.name,
            roles: g.roles.map((r) => ({ node: r.node, role: r.role })),
            contexts: g.contexts.map((c) => ({ name: c })),
          })),
          applications: [],
          users: [],
        },
      },
    },
  };
  return `# Rendered by axon-deploy from ${source}. Applied once, on the first start of a clean cluster.\n${stringify(template, { lineWidth: 0 })}`;
}
