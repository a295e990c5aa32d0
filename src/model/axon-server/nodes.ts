/**
 * One Axon Server node: a singleton StatefulSet with its own claims, pod, tags, resources and
 * environment, and the headless Service that gives it its DNS name.
 */
import type { AxonServerConfig, NodeConfig, VolumeName } from '../../config/schema';
import { VOLUME_NAMES } from '../../config/schema';
import { parseQuantity } from '../../config/formats';
import { LABEL_ADMIN_NODE, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME, LABEL_SERVES_CLIENTS } from '../../domain/keys';
import { AXON_SERVER, CLUSTER_TEMPLATE_CONFIG_MAP, serviceFqdn } from '../../domain/names';
import { AXON_PORT_NAMES, AXON_PORTS, AxonPortName } from '../../domain/ports';
import { WAVE } from '../../domain/waves';
import { AXON_PATHS, LICENSE_FILE, SYSTEM_TOKEN_FILE } from '../axon-config';
import type { Issues } from '../issues';
import { NON_ROOT_ID, scratchVolume, secretFileVolume } from '../pods';
import { resolveResources } from '../resources';
import type { ClusterTls } from '../tls';
import type {
  AxonServerNodeModel,
  ConfigFilesModel,
  ContainerModel,
  EnvVar,
  Labels,
  PodModel,
  PodVolume,
  Probes,
  Resources,
  ServicePort,
  VolumeMount,
} from '../types';
import { IN_CLUSTER_CONDITION, START_GATE } from '../../controller/api';
import { at, ClusterContext, COMPONENT } from './context';
import type { NodeInfo } from './groups';

const CONTAINER = 'axonserver';
/** Axon Server's advice: probe /actuator/info, never /actuator/health (it fails on every node when one node is unwell). */
const AXON_PROBE_PATH = '/actuator/info';

const MOUNT_PATHS: Record<VolumeName, string> = {
  events: AXON_PATHS.events,
  data: AXON_PATHS.data,
  log: AXON_PATHS.log,
  plugins: AXON_PATHS.plugins,
  exts: AXON_PATHS.exts,
};

/** What every node shares: the configuration it mounts, TLS, its sync wave. */
export interface NodeShared {
  readonly configMap: string;
  readonly clusterTemplate?: ConfigFilesModel;
  readonly tls?: ClusterTls;
  readonly wave: number;
}

export function buildNode(ctx: ClusterContext, info: NodeInfo, shared: NodeShared): AxonServerNodeModel {
  const { labels, names } = ctx;
  const { node, index } = info;
  const stable = labels.stable(AXON_SERVER, node.name, COMPONENT);
  const selector: Labels = { [LABEL_NAME]: AXON_SERVER, [LABEL_INSTANCE]: node.name };
  names.claim('StatefulSet', node.name, at('nodes', index, 'name'));
  names.claim('Service', node.name, at('nodes', index, 'name'));
  const tags = nodeTags(node, index, ctx.issues);
  const claims = claimsOf(node);
  return {
    name: node.name,
    fqdn: serviceFqdn(node.name, ctx.namespace),
    zone: node.zone,
    tags,
    roles: info.roles,
    voter: info.voter,
    servesClients: info.servesClients,
    statefulSet: {
      name: node.name,
      labels: labels.full(stable, ctx.versionLabel),
      wave: shared.wave,
      protected: true,
    },
    selector,
    claims: claims.map((c) => ({
      ...c,
      labels: { [LABEL_NAME]: AXON_SERVER, [LABEL_INSTANCE]: node.name, [LABEL_COMPONENT]: COMPONENT },
    })),
    pod: nodePod(ctx, info, shared, { stable, tags, claims }),
    service: {
      // Protected like the StatefulSet: a node still running must not lose its DNS name.
      meta: { name: node.name, labels: labels.full(stable), wave: WAVE.services, protected: true },
      selector,
      ports: servicePorts(['grpc', 'http', 'internal', 'management']),
      headless: true,
      // Nodes find each other before they are ready: DNS must not wait for readiness.
      publishNotReadyAddresses: true,
    },
  };
}

/** Service ports by name, each targeting the container port of the same name. */
export function servicePorts(which: readonly AxonPortName[]): ServicePort[] {
  return which.map((p) => ({ name: AXON_PORT_NAMES[p], port: AXON_PORTS[p], targetPort: AXON_PORT_NAMES[p] }));
}

interface PodParts {
  readonly stable: Labels;
  readonly tags: readonly (readonly [string, string])[];
  readonly claims: readonly { name: VolumeName }[];
}

function nodePod(ctx: ClusterContext, info: NodeInfo, shared: NodeShared, parts: PodParts): PodModel {
  const { config } = ctx;
  const { node } = info;
  const resources = nodeResources(config, node, info.index, ctx.issues);
  const files = podFiles(ctx, info, shared, parts, resources);
  return {
    labels: ctx.labels.full(parts.stable, {
      ...ctx.versionLabel,
      ...(info.servesClients ? { [LABEL_SERVES_CLIENTS]: 'true' } : {}),
      ...(info.admin ? { [LABEL_ADMIN_NODE]: 'true' } : {}),
    }),
    annotations: {},
    user: { runAsUser: NON_ROOT_ID, runAsGroup: NON_ROOT_ID, fsGroup: NON_ROOT_ID },
    imagePullSecrets: config.imagePullSecrets,
    terminationGracePeriodSeconds: config.terminationGracePeriodSeconds,
    // The rollout controller lets the pod be scheduled (a clean cluster forms from the bootstrap
    // node first; an empty bootstrap node never starts alone) and marks it ready only while the
    // node is in its groups and caught up (src/controller/).
    schedulingGates: [START_GATE],
    readinessGates: [IN_CLUSTER_CONDITION],
    volumes: files.volumes,
    containers: [nodeContainer(ctx, info, shared, parts.tags, resources, files.mounts)],
    scheduling: {
      // The node's own placement, field by field over the cluster's.
      nodeSelector: node.scheduling?.nodeSelector ?? config.nodeSelector,
      tolerations: node.scheduling?.tolerations ?? config.tolerations,
      priorityClassName: node.scheduling?.priorityClassName ?? config.priorityClassName,
      affinity: node.scheduling?.affinity ?? config.affinity,
      zone: node.zone,
      // Two nodes on one host would fail together.
      antiAffinity: { selector: ctx.clusterSelector, required: config.podAntiAffinity === 'required' },
    },
  };
}

function nodeContainer(
  ctx: ClusterContext,
  info: NodeInfo,
  shared: NodeShared,
  tags: readonly (readonly [string, string])[],
  resources: Resources,
  mounts: readonly VolumeMount[],
): ContainerModel {
  const { config } = ctx;
  return {
    name: CONTAINER,
    image: config.image,
    imagePullPolicy: config.imagePullPolicy,
    ports: (['grpc', 'http', 'internal', 'management'] as const).map((p) => ({
      name: AXON_PORT_NAMES[p],
      containerPort: AXON_PORTS[p],
    })),
    env: [
      ...nodeEnv(config, info.node, tags, resources),
      // A node with its own plugins volume keeps its bundles there (over the properties' data volume).
      ...(info.node.volumes.plugins
        ? [{ name: 'AXONIQ_AXONSERVER_PLUGIN_PACKAGE_DIRECTORY', value: `${AXON_PATHS.plugins}/bundles` }]
        : []),
      ...(shared.tls?.nodePod(info.node.name).env ?? []),
    ],
    resources,
    probes: nodeProbes(config, shared.tls),
    mounts,
  };
}

function nodeProbes(config: AxonServerConfig, tls: ClusterTls | undefined): Probes {
  // The kubelet does not verify certificates: HTTPS probes need no CA. The actuator has its own
  // port (domain/ports.ts), with the same TLS as 8024.
  const scheme = tls?.client.http ? 'HTTPS' : 'HTTP';
  const port = AXON_PORT_NAMES.management;
  return {
    startup: { path: AXON_PROBE_PATH, port, scheme, successThreshold: 1, ...config.probes.startup },
    liveness: { path: AXON_PROBE_PATH, port, scheme, successThreshold: 1, ...config.probes.liveness },
    readiness: { path: AXON_PROBE_PATH, port, scheme, ...config.probes.readiness },
  };
}

/** The pod's volumes and the container's mounts, in a fixed order. */
function podFiles(
  ctx: ClusterContext,
  info: NodeInfo,
  shared: NodeShared,
  parts: PodParts,
  resources: Resources,
): { volumes: PodVolume[]; mounts: VolumeMount[] } {
  const { config, license, systemToken } = ctx;
  const nodeTls = shared.tls?.nodePod(info.node.name);
  const scratch = scratchDirsOf(info.node);
  // Heap dumps need room for the whole heap: an emptyDir as large as the memory limit.
  const heapDumps = config.jvm.heapDumpOnOutOfMemory;
  const template = shared.clusterTemplate !== undefined;
  const volumes: PodVolume[] = [
    { kind: 'configMap', name: 'config', configMap: shared.configMap },
    ...(template
      ? [{ kind: 'configMap' as const, name: 'cluster-template', configMap: CLUSTER_TEMPLATE_CONFIG_MAP }]
      : []),
    ...(license ? [secretFileVolume('license', license.name, license.key, LICENSE_FILE)] : []),
    ...(systemToken ? [secretFileVolume('system-token', systemToken.name, systemToken.key, SYSTEM_TOKEN_FILE)] : []),
    ...(nodeTls?.volumes ?? []),
    ...scratch.map((d) => scratchVolume(d.name)),
    ...(heapDumps ? [scratchVolume('heapdumps', resources.limits.memory)] : []),
  ];
  const mounts: VolumeMount[] = [
    ...parts.claims.map((c) => ({ name: c.name, mountPath: MOUNT_PATHS[c.name] })),
    { name: 'config', mountPath: AXON_PATHS.config, readOnly: true },
    ...(template ? [{ name: 'cluster-template', mountPath: AXON_PATHS.clusterTemplate, readOnly: true }] : []),
    ...(license ? [{ name: 'license', mountPath: AXON_PATHS.licenseSecret, readOnly: true }] : []),
    ...(systemToken ? [{ name: 'system-token', mountPath: AXON_PATHS.systemTokenSecret, readOnly: true }] : []),
    ...(nodeTls?.mounts ?? []),
    ...scratch,
    ...(heapDumps ? [{ name: 'heapdumps', mountPath: AXON_PATHS.heapDumps }] : []),
  ];
  return { volumes, mounts };
}

/**
 * The replication log a node gets when it declares none: every node keeps one (a standalone one
 * too), and a sandbox should not have to say how big. Synth says when it used it.
 */
export const DEFAULT_LOG_VOLUME = { size: '5Gi' } as const;

function claimsOf(node: NodeConfig): { name: VolumeName; size: string; storageClass?: string }[] {
  return VOLUME_NAMES.flatMap((name) => {
    const v = node.volumes[name] ?? (name === 'log' ? DEFAULT_LOG_VOLUME : undefined);
    return v ? [{ name, size: String(v.size), storageClass: 'storageClass' in v ? v.storageClass : undefined }] : [];
  });
}

/**
 * Writable emptyDirs where the server writes outside its volumes (the root filesystem is
 * read-only): /tmp always, and the plugin directories when the node has no plugins volume.
 */
function scratchDirsOf(node: NodeConfig): VolumeMount[] {
  return [
    ...(node.volumes.plugins ? [] : [{ name: 'plugins', mountPath: AXON_PATHS.plugins }]),
    { name: 'tmp', mountPath: AXON_PATHS.tmp },
  ];
}

function nodeTags(node: NodeConfig, index: number, issues: Issues): [string, string][] {
  const tags = new Map(Object.entries(node.tags));
  if (node.zone !== undefined) {
    if (tags.has('zone') && tags.get('zone') !== node.zone) {
      issues.error(
        at('nodes', index, 'tags', 'zone'),
        `the zone tag is set from \`zone\` (${node.zone}); remove it from tags`,
      );
    }
    tags.set('zone', node.zone);
  }
  return [...tags.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** A node's requests and limits: its own fields over the cluster's; the memory limit follows a node's own request. */
function nodeResources(config: AxonServerConfig, node: NodeConfig, index: number, issues: Issues): Resources {
  const own = node.resources;
  const base = config.resources;
  const merged = {
    requests: { cpu: own?.requests?.cpu ?? base.requests.cpu, memory: own?.requests?.memory ?? base.requests.memory },
    limits: {
      cpu: own?.limits?.cpu ?? base.limits.cpu,
      memory: own?.limits?.memory ?? (own?.requests?.memory !== undefined ? undefined : base.limits.memory),
    },
  };
  return resolveResources(merged, own ? at('nodes', index, 'resources') : at('resources'), issues);
}

function nodeEnv(
  config: AxonServerConfig,
  node: NodeConfig,
  tags: readonly (readonly [string, string])[],
  resources: Resources,
): EnvVar[] {
  const env: EnvVar[] = [
    { name: 'AXONIQ_AXONSERVER_NAME', value: node.name },
    { name: 'AXONIQ_AXONSERVER_HOSTNAME', value: node.name },
    { name: 'AXONIQ_AXONSERVER_INTERNAL_HOSTNAME', value: node.name },
    ...tags.map(([k, v]) => ({ name: `AXONIQ_AXONSERVER_TAGS_${k.toUpperCase()}`, value: v })),
  ];
  const ac = config.accessControl;
  if (config.edition === 'enterprise' && ac.enabled && ac.internalTokenSecret) {
    env.push({
      name: 'AXONIQ_AXONSERVER_ACCESSCONTROL_INTERNAL_TOKEN',
      secret: { name: ac.internalTokenSecret, key: ac.internalTokenKey },
    });
  }
  if (config.license) env.push({ name: 'AXONIQ_LICENSE', value: `${AXON_PATHS.licenseSecret}/${LICENSE_FILE}` });
  const heapDump = config.jvm.heapDumpOnOutOfMemory
    ? ` -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=${AXON_PATHS.heapDumps}`
    : '';
  const toolOptions =
    node.jvm?.toolOptions ?? (node.jvm?.heapPercent === undefined ? config.jvm.toolOptions : undefined);
  const heap = toolOptions ?? heapOptions(resources.limits.memory, node.jvm?.heapPercent ?? config.jvm.heapPercent);
  env.push({ name: 'JAVA_TOOL_OPTIONS', value: `${heap}${heapDump}` });
  return env;
}

/** -Xms = -Xmx = heapPercent of the memory limit, in MiB. */
export function heapOptions(memoryLimit: string, heapPercent: number): string {
  const mib = Math.floor((parseQuantity(memoryLimit) / 2 ** 20) * (heapPercent / 100));
  return `-Xms${mib}m -Xmx${mib}m`;
}
