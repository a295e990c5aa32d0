/**
 * The Axon Server section -> the cluster model: one singleton StatefulSet per node, roles from
 * replication groups, storage, probes, security settings, and the checks that keep a consensus
 * cluster safe (quorum, roles, volumes, zones).
 */
import type { ConfigPath } from '../config/diagnostics';
import { closest, parseImageReference, parseQuantity } from '../config/formats';
import type {
  AppConfig,
  AxonServerConfig,
  JobsConfig,
  MonitoringConfig,
  NodeConfig,
  VolumeName,
} from '../config/schema';
import { VOLUME_NAMES } from '../config/schema';
import {
  LABEL_ADMIN_NODE,
  LABEL_API_CLIENT,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_NAME,
  LABEL_SERVES_CLIENTS,
  LABEL_VERSION,
} from '../domain/keys';
import { ADMIN_GROUP, isVoting, quorumOf, Role, servesClients as roleServesClients } from '../domain/roles';
import { gateWave, nodeWaves, WAVE } from '../domain/waves';
import {
  AXON_PATHS,
  AXON_PORTS,
  checksumOf,
  CLUSTER_TEMPLATE_FILE,
  LICENSE_FILE,
  PROPERTIES_FILE,
  renderClusterTemplate,
  renderProperties,
  SYSTEM_TOKEN_FILE,
} from './axon-config';
import { BACKUP_NAME, backupOf } from './backup';
import { gateJob, gateScript } from './gates';
import { podMonitor, scrapersOf } from './monitoring';
import { registration } from './registration';
import { clusterTls, ClusterTls, httpUrl } from './tls';
import type { Issues } from './issues';
import type { LabelScheme } from './labels';
import type { NameRegistry } from './names';
import { NON_ROOT_ID, scratchVolume, secretFileVolume } from './pods';
import { resolveResources } from './resources';
import { secretLiteralProblem } from './secret-literals';
import type { SecretRegistry } from './secrets';
import type {
  AxonServerClientTls,
  AxonServerModel,
  AxonServerNodeModel,
  ConfigFilesModel,
  EnvVar,
  HttpRouteModel,
  IngressModel,
  JobModel,
  Labels,
  NetworkPolicyModel,
  PeerModel,
  PodVolume,
  Probes,
  ReplicationGroupModel,
  Resources,
  ServiceModel,
  VolumeMount,
} from './types';

export const AXON_SERVER = 'axonserver';
const COMPONENT = 'axon-server';
const CONTAINER = 'axonserver';

export interface AxonServerInput {
  readonly config: AxonServerConfig;
  readonly namespace: string;
  /** The config file, named in the rendered files' headers. */
  readonly sourceFile: string;
  readonly labels: LabelScheme;
  readonly issues: Issues;
  readonly names: NameRegistry;
  readonly secrets: SecretRegistry;
  readonly jobs: JobsConfig;
  /** The apps, whose tokens the registration Job registers. */
  readonly apps: readonly AppConfig[];
  readonly monitoring: MonitoringConfig;
}

const at = (...path: (string | number)[]): ConfigPath => ['axonServer', ...path];

export function buildAxonServer(input: AxonServerInput): AxonServerModel {
  const { config, namespace, labels, issues, names, secrets } = input;
  checkEdition(config, issues);
  checkAccessControl(config, issues);
  checkShutdownAndProbes(config, issues);

  const groups = replicationGroups(config, issues);
  checkQuorum(config, groups, issues);
  const rolesByNode = rolesPerNode(config, groups);
  checkVolumes(config, rolesByNode, issues);
  checkStorageClasses(config, issues);

  const domain = `${namespace}.svc.cluster.local`;
  const image = parseImageReference(config.image);
  const version = image?.tag;
  checkImage(config.image, image, issues);
  const clusterStable = labels.stable(AXON_SERVER, AXON_SERVER, COMPONENT);
  const clusterSelector: Labels = { [LABEL_NAME]: AXON_SERVER, [LABEL_COMPONENT]: COMPONENT };
  const versionLabel: Labels = version ? { [LABEL_VERSION]: version } : {};

  const firstNode = bootstrapNode(config, groups);
  const tls = clusterTls({ config, namespace, firstNode, serviceNames: [CLIENT_SERVICE, UI_SERVICE], issues, secrets });
  checkExposure(config, input.monitoring, issues);
  const files = configFiles(config, domain, input.sourceFile, issues, tls);
  // A revision of the properties per content: each StatefulSet mounts the revision it was rolled
  // with, so a pod restarted out of turn (eviction, OOM) keeps its old configuration until its
  // own wave; old revisions are pruned once the sync is done.
  const checksum = checksumOf(files);
  const configMap = `${CONFIG_MAP_PREFIX}-${checksum.slice(0, 10)}`;
  // The cluster template is not a revision: Axon Server applies it only on the first start of a
  // clean cluster (and a new node joins by it), so a running node restarted out of turn ignores
  // it — and a template change (a node added) must not roll every node. Updated in place.
  const clusterTemplate =
    config.edition === 'enterprise'
      ? {
          meta: { name: CLUSTER_TEMPLATE_CONFIG_MAP, labels: labels.full(clusterStable), wave: WAVE.config },
          files: [
            [
              CLUSTER_TEMPLATE_FILE,
              renderClusterTemplate(input.sourceFile, `${firstNode}.${domain}:${AXON_PORTS.internal}`, groups),
            ],
          ] as [string, string][],
        }
      : undefined;
  // Fixed names first, so a node or app that takes one of them is the one told to rename.
  names.claim('ConfigMap', configMap, at(), 'the Axon Server configuration');
  if (clusterTemplate)
    names.claim('ConfigMap', CLUSTER_TEMPLATE_CONFIG_MAP, at('replicationGroups'), 'the cluster template');
  names.claim('Service', CLIENT_SERVICE, at(), 'the Axon Server client Service');
  names.claim('Service', UI_SERVICE, at(), 'the Axon Server UI Service');
  names.claim('PodDisruptionBudget', AXON_SERVER, at(), 'the Axon Server PodDisruptionBudget');
  if (config.networkPolicy.enabled) names.claim('NetworkPolicy', AXON_SERVER, at(), 'the Axon Server NetworkPolicy');

  const license = config.license ? { name: config.license.secretName, key: config.license.key } : undefined;
  const ac = config.accessControl;
  const systemToken =
    ac.enabled && ac.systemTokenSecret ? { name: ac.systemTokenSecret, key: ac.systemTokenKey } : undefined;
  if (license) secrets.add(license, 'the Axon Server licence');
  if (systemToken) secrets.add(systemToken, 'the Axon Server system token');
  if (config.edition === 'enterprise' && ac.enabled && ac.internalTokenSecret) {
    secrets.add({ name: ac.internalTokenSecret, key: ac.internalTokenKey }, 'the Axon Server internal token');
  }
  for (const name of config.imagePullSecrets)
    secrets.add({ name, key: '.dockerconfigjson' }, 'pulling the Axon Server image');

  const nodeInfo = config.nodes.map((node, index) => {
    const roles = rolesByNode.get(node.name) ?? [];
    return {
      node,
      index,
      roles,
      // Members of _admin serve the UI and the admin REST API (a standalone node: itself).
      admin: roles.some((r) => r.group === ADMIN_GROUP) || config.edition === 'standard',
      voter: roles.some((r) => isVoting(r.role)) || config.edition === 'standard',
      servesClients:
        roles.some((r) => r.group !== ADMIN_GROUP && roleServesClients(r.role)) || config.edition === 'standard',
    };
  });
  const waveOf = nodeWaves(
    nodeInfo.map((n) => ({ name: n.node.name, voter: n.voter })),
    firstNode,
  );
  // A node's wave ends when the node is back in its cluster: a gate between node waves (a
  // standalone node has no cluster to rejoin).
  const gated = config.edition === 'enterprise' && config.rolloutGate.enabled;
  const script = gated
    ? gateScript(
        'axonserver-gate',
        labels.full(labels.stable(GATE_NAME, 'axonserver-gate', GATE_COMPONENT)),
        WAVE.config,
      )
    : undefined;
  if (script) names.claim('ConfigMap', script.meta.name, at('rolloutGate'), 'the node gate script');

  // The kubelet does not verify certificates: HTTPS probes need no CA.
  const scheme = tls?.client.http ? 'HTTPS' : 'HTTP';
  const probes: Probes = {
    startup: { path: AXON_PROBE_PATH, port: 'http', scheme, successThreshold: 1, ...config.probes.startup },
    liveness: { path: AXON_PROBE_PATH, port: 'http', scheme, successThreshold: 1, ...config.probes.liveness },
    readiness: { path: AXON_PROBE_PATH, port: 'http', scheme, ...config.probes.readiness },
  };
  const clusterPeers: PeerModel = { podLabels: clusterSelector };

  const nodes = nodeInfo.map(({ node, index, roles, voter, servesClients, admin }): AxonServerNodeModel => {
    const stable = labels.stable(AXON_SERVER, node.name, COMPONENT);
    const selector: Labels = { [LABEL_NAME]: AXON_SERVER, [LABEL_INSTANCE]: node.name };
    names.claim('StatefulSet', node.name, at('nodes', index, 'name'));
    names.claim('Service', node.name, at('nodes', index, 'name'));
    const tags = nodeTags(node, index, issues);
    const claims = claimsOf(node);
    const scratch = scratchDirsOf(node);
    const resources = nodeResources(config, node, index, issues);
    const nodeTls = tls?.nodePod(node.name);
    // Heap dumps need room for the whole heap: an emptyDir as large as the memory limit.
    const heapDumps = config.jvm.heapDumpOnOutOfMemory
      ? [
          {
            volume: scratchVolume('heapdumps', resources.limits.memory),
            mount: { name: 'heapdumps', mountPath: AXON_PATHS.heapDumps },
          },
        ]
      : [];
    const secretVolumes: PodVolume[] = [
      ...(license ? [secretFileVolume('license', license.name, license.key, LICENSE_FILE)] : []),
      ...(systemToken ? [secretFileVolume('system-token', systemToken.name, systemToken.key, SYSTEM_TOKEN_FILE)] : []),
    ];
    const secretMounts: VolumeMount[] = [
      ...(license ? [{ name: 'license', mountPath: AXON_PATHS.licenseSecret, readOnly: true }] : []),
      ...(systemToken ? [{ name: 'system-token', mountPath: AXON_PATHS.systemTokenSecret, readOnly: true }] : []),
    ];
    const gate = script
      ? nodeGate(node.name, `${node.name}.${domain}`, roles, waveOf.get(node.name)!, script, tls?.client)
      : undefined;
    if (gate) names.claim('Job', gate.meta.name, at('nodes', index, 'name'));
    return {
      name: node.name,
      fqdn: `${node.name}.${domain}`,
      gate,
      zone: node.zone,
      tags,
      roles,
      voter,
      servesClients,
      statefulSet: {
        name: node.name,
        labels: labels.full(stable, versionLabel),
        wave: waveOf.get(node.name)!,
        protected: true,
      },
      selector,
      claims: claims.map((c) => ({
        ...c,
        labels: { [LABEL_NAME]: AXON_SERVER, [LABEL_INSTANCE]: node.name, [LABEL_COMPONENT]: COMPONENT },
      })),
      pod: {
        labels: labels.full(stable, {
          ...versionLabel,
          ...(servesClients ? { [LABEL_SERVES_CLIENTS]: 'true' } : {}),
          ...(admin ? { [LABEL_ADMIN_NODE]: 'true' } : {}),
        }),
        annotations: {},
        user: { runAsUser: NON_ROOT_ID, runAsGroup: NON_ROOT_ID, fsGroup: NON_ROOT_ID },
        imagePullSecrets: config.imagePullSecrets,
        terminationGracePeriodSeconds: config.terminationGracePeriodSeconds,
        volumes: [
          { kind: 'configMap', name: 'config', configMap },
          ...(clusterTemplate
            ? [{ kind: 'configMap' as const, name: 'cluster-template', configMap: CLUSTER_TEMPLATE_CONFIG_MAP }]
            : []),
          ...secretVolumes,
          ...(nodeTls?.volumes ?? []),
          ...scratch.map((d) => scratchVolume(d.name)),
          ...heapDumps.map((h) => h.volume),
        ],
        containers: [
          {
            name: CONTAINER,
            image: config.image,
            imagePullPolicy: config.imagePullPolicy,
            ports: [
              { name: 'grpc', containerPort: AXON_PORTS.grpc },
              { name: 'http', containerPort: AXON_PORTS.http },
              { name: 'internal', containerPort: AXON_PORTS.internal },
            ],
            env: [...nodeEnv(config, node, tags, resources), ...(nodeTls?.env ?? [])],
            resources,
            probes,
            mounts: [
              ...claims.map((c) => ({ name: c.name, mountPath: MOUNT_PATHS[c.name] })),
              { name: 'config', mountPath: AXON_PATHS.config, readOnly: true },
              ...(clusterTemplate
                ? [{ name: 'cluster-template', mountPath: AXON_PATHS.clusterTemplate, readOnly: true }]
                : []),
              ...secretMounts,
              ...(nodeTls?.mounts ?? []),
              ...scratch,
              ...heapDumps.map((h) => h.mount),
            ],
          },
        ],
        scheduling: {
          // The node's own placement, field by field over the cluster's.
          nodeSelector: node.scheduling?.nodeSelector ?? config.nodeSelector,
          tolerations: node.scheduling?.tolerations ?? config.tolerations,
          priorityClassName: node.scheduling?.priorityClassName ?? config.priorityClassName,
          affinity: node.scheduling?.affinity ?? config.affinity,
          zone: node.zone,
          // Two nodes on one host would fail together.
          antiAffinity: { selector: clusterSelector, required: config.podAntiAffinity === 'required' },
        },
      },
      service: {
        // Protected like the StatefulSet: a node still running must not lose its DNS name.
        meta: { name: node.name, labels: labels.full(stable), wave: WAVE.services, protected: true },
        selector,
        ports: servicePorts(['grpc', 'http', 'internal']),
        headless: true,
        // Nodes find each other before they are ready: DNS must not wait for readiness.
        publishNotReadyAddresses: true,
      },
    };
  });

  const clientService: ServiceModel = {
    meta: { name: CLIENT_SERVICE, labels: labels.full(clusterStable), wave: WAVE.services },
    selector: { ...clusterSelector, [LABEL_SERVES_CLIENTS]: 'true' },
    ports: servicePorts(['grpc']),
  };
  const uiService: ServiceModel = {
    meta: { name: UI_SERVICE, labels: labels.full(clusterStable), wave: WAVE.services },
    // Only _admin members serve the UI and the admin REST API.
    selector: { ...clusterSelector, [LABEL_ADMIN_NODE]: 'true' },
    ports: servicePorts(['http']),
    // The UI keeps a session per node; with access control a new node means a new login.
    sessionAffinity: 'ClientIP',
  };

  const networkPolicy: NetworkPolicyModel | undefined = config.networkPolicy.enabled
    ? {
        meta: { name: AXON_SERVER, labels: labels.full(clusterStable), wave: WAVE.config },
        podSelector: clusterSelector,
        rules: [
          // Node-to-node traffic: between the nodes only.
          { ports: [AXON_PORTS.internal], from: [clusterPeers] },
          // Client gRPC: the apps of the namespace and of networkPolicy.allowedNamespaces.
          {
            ports: [AXON_PORTS.grpc],
            from: [
              { podLabels: {} },
              ...[...new Set(config.networkPolicy.allowedNamespaces)]
                .sort()
                .map((ns) => ({ namespace: ns, podLabels: {} })),
            ],
          },
          // HTTP (UI, REST API, actuator: no token needed there): the nodes, axon-deploy's Jobs, Prometheus, ui.allowedFrom.
          {
            ports: [AXON_PORTS.http],
            from: [
              clusterPeers,
              { podLabels: { [LABEL_API_CLIENT]: 'true' } },
              ...scrapersOf(input.monitoring),
              ...config.ui.allowedFrom.map((p) => ({ namespace: p.namespace, podLabels: p.podLabels })),
            ],
          },
        ],
      }
    : undefined;
  const httpPort = { name: UI_SERVICE, port: AXON_PORTS.http };
  const uiIngress: IngressModel | undefined = config.ui.ingress
    ? {
        meta: { name: UI_SERVICE, labels: labels.full(clusterStable), wave: WAVE.services },
        host: config.ui.ingress.host,
        path: '/',
        className: config.ui.ingress.className,
        tlsSecretName: config.ui.ingress.tlsSecretName,
        annotations: config.ui.ingress.annotations,
        service: httpPort,
      }
    : undefined;
  const uiRoute: HttpRouteModel | undefined = config.ui.httpRoute
    ? {
        meta: { name: UI_SERVICE, labels: labels.full(clusterStable), wave: WAVE.services },
        parentRefs: config.ui.httpRoute.parentRefs,
        hostnames: config.ui.httpRoute.hostnames,
        service: httpPort,
      }
    : undefined;
  if (uiIngress) names.claim('Ingress', UI_SERVICE, at('ui', 'ingress'));
  if (uiRoute) names.claim('HTTPRoute', UI_SERVICE, at('ui', 'httpRoute'));

  const certificates = nodes.flatMap((n) => {
    const stable = labels.stable(AXON_SERVER, n.name, COMPONENT);
    const cert = tls?.certificate(
      n.name,
      (name) => ({ name, labels: labels.full(stable), wave: WAVE.config }),
      labels.full(stable),
    );
    if (cert) names.claim('Certificate', cert.meta.name, at('tls', 'certManager'));
    return cert ? [cert] : [];
  });
  const monitorStable = labels.stable(AXON_SERVER, AXON_SERVER, 'metrics');
  const serverMonitor = input.monitoring.enabled
    ? podMonitor(
        input.monitoring,
        {
          name: AXON_SERVER,
          labels: labels.full(monitorStable),
          wave: WAVE.config,
          selector: clusterSelector,
          port: 'http',
          path: '/actuator/prometheus',
        },
        tls ? { client: tls.client, serverName: `${UI_SERVICE}.${namespace}.svc` } : undefined,
      )
    : undefined;
  if (serverMonitor) names.claim('PodMonitor', AXON_SERVER, at(), 'the Axon Server PodMonitor');

  const adminUrls = nodeInfo
    .filter((n) => n.admin)
    .map((n) => httpUrl(tls?.client, `${n.node.name}.${domain}`, AXON_PORTS.http));
  const backup = backupOf({
    config,
    namespace,
    nodes: nodes.map((n) => ({ name: n.name, claims: n.claims })),
    adminUrls,
    jobs: input.jobs,
    systemToken,
    tls: tls?.client,
    labels: labels.full(labels.stable(AXON_SERVER, BACKUP_NAME, 'backup')),
    wave: WAVE.config,
    issues,
  });
  if (backup) {
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob'])
      names.claim(kind, BACKUP_NAME, at('backup'));
    names.claim('ConfigMap', backup.script.meta.name, at('backup'));
  }
  const contexts = new Set(groups.filter((g) => g.name !== ADMIN_GROUP).flatMap((g) => g.contexts));
  const registered = registration({
    config,
    apps: input.apps,
    contexts,
    jobs: input.jobs,
    systemToken,
    tls: tls?.client,
    url: httpUrl(tls?.client, `${UI_SERVICE}.${domain}`, AXON_PORTS.http),
    labels: labels.full(labels.stable(GATE_NAME, 'axonserver-register', 'registration')),
    scriptLabels: labels.full(labels.stable(GATE_NAME, 'axonserver-register', 'registration')),
    wave: WAVE.registration,
    issues,
    secrets,
  });
  if (registered) {
    names.claim('Job', registered.job.meta.name, at('registration'));
    names.claim('ConfigMap', registered.script.meta.name, at('registration'));
  }

  const storageClasses = config.storageClasses.map((sc, i) => {
    names.claim('StorageClass', sc.name, at('storageClasses', i, 'name'));
    return {
      meta: {
        name: sc.name,
        labels: labels.full(labels.stable(AXON_SERVER, sc.name, 'storage')),
        wave: WAVE.config,
        protected: true,
      },
      provisioner: sc.provisioner,
      parameters: Object.entries(sc.parameters).sort(([a], [b]) => (a < b ? -1 : 1)),
      mountOptions: sc.mountOptions,
    };
  });

  return {
    edition: config.edition,
    image: config.image,
    version: version ?? image?.digest ?? config.image,
    accessControl: ac.enabled,
    nodes,
    replicationGroups: groups,
    firstNode,
    config: {
      meta: { name: configMap, labels: labels.full(clusterStable), wave: WAVE.config, pruneLast: true },
      files,
      checksum,
    },
    clusterTemplate,
    gateScript: script,
    clientService,
    uiService,
    pdb: {
      meta: { name: AXON_SERVER, labels: labels.full(clusterStable), wave: WAVE.config },
      selector: clusterSelector,
      maxUnavailable: 1,
    },
    networkPolicy,
    storageClasses,
    tls: tls?.client,
    certificates,
    podMonitor: serverMonitor,
    uiIngress,
    uiRoute,
    backup,
    registration: registered?.job,
    registrationScript: registered?.script,
  };

  function nodeGate(
    nodeName: string,
    fqdn: string,
    roles: readonly { group: string }[],
    nodeWave: number,
    gateScriptModel: ConfigFilesModel,
    clientTls?: AxonServerClientTls,
  ): JobModel {
    const gateLabels = labels.full(labels.stable(GATE_NAME, `${nodeName}-gate`, GATE_COMPONENT));
    const nodeGroups = roles.map((r) => r.group);
    return gateJob({
      name: `${nodeName}-gate`,
      labels: gateLabels,
      wave: gateWave(nodeWave),
      script: gateScriptModel,
      settings: input.jobs,
      timeoutSeconds: config.rolloutGate.timeoutSeconds,
      token: systemToken,
      tls: clientTls,
      env: [
        { name: 'GATE_MODE', value: 'node' },
        { name: 'GATE_DESCRIPTION', value: `${nodeName} is back in ${nodeGroups.join(', ')}` },
        { name: 'AXONSERVER_URL', value: httpUrl(clientTls, fqdn, AXON_PORTS.http) },
        { name: 'GATE_NODE', value: nodeName },
        { name: 'GATE_GROUPS', value: nodeGroups.join(',') },
        { name: 'GATE_MAX_LAG', value: String(config.rolloutGate.maxLagEntries) },
      ],
    });
  }
}

/** Labels of the gate Jobs' pods (the NetworkPolicy lets them reach the nodes' HTTP port). */
export const GATE_NAME = 'axon-deploy-gate';
export const GATE_COMPONENT = 'rollout-gate';

export const CLIENT_SERVICE = 'axonserver-grpc';
export const UI_SERVICE = 'axonserver-ui';

/** Axon Server's advice: probe /actuator/info, never /actuator/health (it fails on every node when one node is unwell). */
const AXON_PROBE_PATH = '/actuator/info';
/** Revisions are named `axonserver-config-<first 10 hex digits of the sha256 of the files>`. */
const CONFIG_MAP_PREFIX = 'axonserver-config';
const CLUSTER_TEMPLATE_CONFIG_MAP = 'axonserver-cluster-template';

/**
 * The node that initialises a clean cluster: the first PRIMARY of `_admin` (declared or
 * derived), or the first node. The others join it.
 */
function bootstrapNode(config: AxonServerConfig, groups: readonly ReplicationGroupModel[]): string {
  const admin = groups.find((g) => g.name === ADMIN_GROUP);
  return admin?.roles.find((r) => r.role === 'PRIMARY')?.node ?? config.nodes[0].name;
}

const PORTS = {
  grpc: { name: 'grpc', port: AXON_PORTS.grpc },
  http: { name: 'http', port: AXON_PORTS.http },
  internal: { name: 'internal', port: AXON_PORTS.internal },
} as const;

function servicePorts(which: readonly (keyof typeof PORTS)[]) {
  return which.map((p) => ({ name: PORTS[p].name, port: PORTS[p].port, targetPort: PORTS[p].name }));
}

const MOUNT_PATHS: Record<VolumeName, string> = {
  events: AXON_PATHS.events,
  data: AXON_PATHS.data,
  log: AXON_PATHS.log,
  plugins: AXON_PATHS.plugins,
  exts: AXON_PATHS.exts,
};

function claimsOf(node: NodeConfig): { name: VolumeName; size: string; storageClass?: string }[] {
  return VOLUME_NAMES.flatMap((name) => {
    const v = node.volumes[name];
    return v ? [{ name, size: String(v.size), storageClass: v.storageClass }] : [];
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

/**
 * Images that make a consensus cluster drift or break the restricted profile: no tag (the
 * registry's latest), latest, or not a -nonroot variant (those run as root).
 */
function checkImage(value: string, ref: ReturnType<typeof parseImageReference>, issues: Issues): void {
  if (!ref) return;
  if (!ref.tag && !ref.digest) {
    issues.warn(
      at('image'),
      `${value} has no tag, so it is the registry's latest: every restarted node may run another version; pin a version (and its digest)`,
    );
  } else if (ref.tag === 'latest') {
    issues.warn(
      at('image'),
      `${value}: latest is a moving tag: every restarted node may run another version; pin a version (and its digest)`,
    );
  }
  if (ref.tag && !ref.tag.endsWith('-nonroot')) {
    issues.warn(
      at('image'),
      `${value} is not a -nonroot image: it runs as root, which the restricted Pod Security profile and runAsNonRoot refuse (the pods do not start); use the matching -nonroot tag`,
    );
  }
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

// ---------------------------------------------------------------------------------------------
// Configuration files

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
};
const relaxed = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const MANAGED_RELAXED = new Map(Object.entries(MANAGED_PROPERTIES).map(([k, v]) => [relaxed(k), v]));

/**
 * The properties common to every node. Every path a running server writes to is set to a
 * volume (the root filesystem is read-only); defaults and names from Axon Server's
 * MessagingPlatformConfiguration and the reference guide's configuration list, all relative
 * to the working directory /axonserver otherwise.
 */
function configFiles(
  config: AxonServerConfig,
  domain: string,
  sourceFile: string,
  issues: Issues,
  tls: ClusterTls | undefined,
): [string, string][] {
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
    // Uploaded plugins and their unpacked cache (defaults plugins/bundles, plugins/cache): the
    // plugins volume, or an emptyDir without one.
    ['axoniq.axonserver.plugin-package-directory', `${AXON_PATHS.plugins}/bundles`],
    ['axoniq.axonserver.plugin-cache-directory', `${AXON_PATHS.plugins}/cache`],
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
  for (const [key, value] of tls?.properties ?? []) props.set(key, value);
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
    props.set(key, String(value));
  }
  return [[PROPERTIES_FILE, renderProperties(sourceFile, props)]];
}

// ---------------------------------------------------------------------------------------------
// Replication groups and roles

/** Declared groups in config order, `_admin` first (declared, or derived from the PRIMARY nodes). */
function replicationGroups(config: AxonServerConfig, issues: Issues): ReplicationGroupModel[] {
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

function rolesPerNode(config: AxonServerConfig, groups: readonly ReplicationGroupModel[]) {
  const byNode = new Map<string, { group: string; role: Role }[]>(config.nodes.map((n) => [n.name, []]));
  for (const g of groups) for (const r of g.roles) byNode.get(r.node)?.push({ group: g.name, role: r.role });
  return byNode;
}

function groupPath(config: AxonServerConfig, group: ReplicationGroupModel): ConfigPath {
  const index = config.replicationGroups.findIndex((g) => g.name === group.name);
  return index >= 0 ? at('replicationGroups', index, 'roles') : at('replicationGroups');
}

function checkQuorum(config: AxonServerConfig, groups: readonly ReplicationGroupModel[], issues: Issues): void {
  const zoneOf = new Map(config.nodes.map((n) => [n.name, n.zone]));
  for (const g of groups) {
    if (g.roles.length === 0 && g.derived) continue; // reported on the groups themselves
    const path = groupPath(config, g);
    const label = g.derived
      ? `the ${ADMIN_GROUP} replication group (derived: every node that is PRIMARY somewhere; declare ${ADMIN_GROUP} to choose)`
      : `replication group "${g.name}"`;
    const { primaries, majority, tolerates, activeBackups } = quorumOf(g.roles);
    if (primaries === 0) {
      issues.error(path, `${label} has no PRIMARY node: every replication group needs at least one to lead it`);
      continue;
    }
    if (primaries % 2 === 0) {
      issues.error(
        path,
        `${label} has ${primaries} PRIMARY nodes; use an odd number: the group is available while a majority of its PRIMARY nodes ` +
          `(${majority} of ${primaries}) is up, so it survives the loss of only ${tolerates}, no more than with ${primaries - 1} ` +
          `(ACTIVE_BACKUP nodes do not count towards this majority)`,
      );
    }
    if (activeBackups === 1) {
      issues.warn(
        path,
        `${label} has a single ACTIVE_BACKUP node: every write waits for its confirmation (min-active-backups is 1 by default), so losing it stops writes; add a second one, or make it a PASSIVE_BACKUP`,
      );
    }
    const perZone = new Map<string, number>();
    for (const r of g.roles.filter((x) => x.role === 'PRIMARY')) {
      const zone = zoneOf.get(r.node);
      if (zone !== undefined) perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    for (const [zone, count] of [...perZone.entries()].sort()) {
      if (primaries > 1 && count >= majority) {
        issues.warn(
          path,
          `zone ${zone} holds ${count} of the ${primaries} PRIMARY nodes of ${label}: losing that zone makes the group unavailable; spread the primaries over more zones`,
        );
      }
    }
  }
  if (config.edition === 'enterprise') {
    config.nodes.forEach((n, i) => {
      if (!groups.some((g) => g.roles.some((r) => r.node === n.name))) {
        issues.error(
          at('nodes', i, 'name'),
          `node "${n.name}" has no role in any replication group: give it one in replicationGroups[].roles`,
        );
      }
    });
  }
}

function checkVolumes(
  config: AxonServerConfig,
  rolesByNode: ReadonlyMap<string, readonly { role: Role }[]>,
  issues: Issues,
): void {
  config.nodes.forEach((node, i) => {
    const roles = rolesByNode.get(node.name) ?? [];
    const messagingOnly = roles.length > 0 && roles.every((r) => r.role === 'MESSAGING_ONLY');
    if (messagingOnly && node.volumes.events) {
      issues.error(
        at('nodes', i, 'volumes', 'events'),
        `node "${node.name}" is MESSAGING_ONLY in all its replication groups and stores no events: remove its events volume`,
      );
    }
    if (!messagingOnly && !node.volumes.events) {
      issues.error(
        at('nodes', i, 'volumes'),
        `node "${node.name}" stores events: add volumes.events (e.g. { size: 100Gi })`,
      );
    }
    if (!node.volumes.log) {
      issues.error(
        at('nodes', i, 'volumes'),
        `every node keeps a replication log (also a standalone one): add volumes.log (e.g. { size: 10Gi }) to node "${node.name}"`,
      );
    }
  });
}

function checkStorageClasses(config: AxonServerConfig, issues: Issues): void {
  const declared = new Set(config.storageClasses.map((sc) => sc.name));
  config.nodes.forEach((node, i) => {
    for (const name of VOLUME_NAMES) {
      const cls = node.volumes[name]?.storageClass;
      if (cls === undefined || declared.has(cls)) continue;
      const guess = [...declared].find((d) => editOne(cls, d));
      if (guess) {
        issues.warn(
          at('nodes', i, 'volumes', name, 'storageClass'),
          `StorageClass "${cls}" is not declared in storageClasses; did you mean "${guess}"? (an undeclared class must already exist in the cluster)`,
        );
      }
    }
  });
}

/** True when a and b differ by one insertion, deletion or substitution. */
function editOne(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) return [...a].filter((c, i) => c !== b[i]).length === 1;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  for (let i = 0; i < long.length; i++) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
  return false;
}

function checkEdition(config: AxonServerConfig, issues: Issues): void {
  if (config.edition === 'standard') {
    if (config.nodes.length !== 1) {
      issues.error(
        at('nodes'),
        `standard edition runs exactly one node, got ${config.nodes.length}: for a cluster use edition: enterprise (with a licence)`,
      );
    }
    if (config.license)
      issues.error(at('license'), 'standard edition takes no licence: remove it, or use edition: enterprise');
    if (config.replicationGroups.length > 0) {
      issues.error(
        at('replicationGroups'),
        'standard edition has no replication groups or roles (one standalone node with the "default" context): remove them, or use edition: enterprise',
      );
    }
  } else if (!config.license) {
    issues.error(
      at('license'),
      'enterprise edition needs a licence: add license: { secretName: <Secret with the axoniq.license file> }',
    );
  }
}

function checkAccessControl(config: AxonServerConfig, issues: Issues): void {
  const ac = config.accessControl;
  if (ac.enabled) {
    if (!ac.systemTokenSecret) {
      issues.error(
        at('accessControl', 'systemTokenSecret'),
        'required when access control is enabled: without it Axon Server generates an admin token inside the container, where nobody can read it',
      );
    }
    if (config.edition === 'enterprise' && !ac.internalTokenSecret) {
      issues.error(
        at('accessControl', 'internalTokenSecret'),
        'required when access control is enabled: the nodes of a cluster authenticate each other with this token',
      );
    }
    if (config.edition === 'standard' && ac.internalTokenSecret) {
      issues.warn(
        at('accessControl', 'internalTokenSecret'),
        'a standalone node has no peers: the internal token is not used',
      );
    }
  } else {
    for (const key of ['systemTokenSecret', 'internalTokenSecret'] as const) {
      if (ac[key]) issues.warn(at('accessControl', key), 'not used while accessControl.enabled is false');
    }
  }
}

/** Exposure that cannot work: Prometheus without the endpoint, a UI route nobody may reach. */
function checkExposure(config: AxonServerConfig, monitoring: MonitoringConfig, issues: Issues): void {
  if (monitoring.enabled && !config.actuator.exposure.includes('prometheus')) {
    issues.error(
      at('actuator', 'exposure'),
      'monitoring is enabled, so Prometheus scrapes /actuator/prometheus: add prometheus to the exposed endpoints',
    );
  }
  if (monitoring.enabled && config.networkPolicy.enabled && monitoring.scrapers.length === 0) {
    issues.warn(
      ['monitoring', 'scrapers'],
      "the NetworkPolicy lets nothing outside the cluster's Jobs reach 8024: name the Prometheus pods here (e.g. { namespace: monitoring, podLabels: { app.kubernetes.io/name: prometheus } })",
    );
  }
  const route = config.ui.ingress ? 'ui.ingress' : config.ui.httpRoute ? 'ui.httpRoute' : undefined;
  if (route && config.networkPolicy.enabled && config.ui.allowedFrom.length === 0) {
    issues.warn(
      at(...route.split('.')),
      'the NetworkPolicy keeps the ingress controller or gateway away from 8024: add its pods to ui.allowedFrom',
    );
  }
  if (config.ui.httpRoute && config.tls.enabled && config.tls.http) {
    issues.warn(
      at('ui', 'httpRoute'),
      'the UI speaks HTTPS (tls.http): the Gateway needs a BackendTLSPolicy for axonserver-ui (not rendered by axon-deploy) to connect to it',
    );
  }
}

function checkShutdownAndProbes(config: AxonServerConfig, issues: Issues): void {
  if (config.terminationGracePeriodSeconds < 60 && !config.allowShortTerminationGracePeriod) {
    issues.error(
      at('terminationGracePeriodSeconds'),
      `expected at least 60, got ${config.terminationGracePeriodSeconds}: a node killed while flushing can corrupt its control DB; set allowShortTerminationGracePeriod: true to force it`,
    );
  }
  if (config.probes.liveness.timeoutSeconds <= 1) {
    issues.error(
      at('probes', 'liveness', 'timeoutSeconds'),
      `expected more than 1 second, got ${config.probes.liveness.timeoutSeconds}: a garbage-collection pause longer than the timeout would restart a healthy node`,
    );
  }
  const s = config.probes.startup;
  const budget = s.initialDelaySeconds + s.periodSeconds * s.failureThreshold;
  if (budget < 300) {
    issues.warn(
      at('probes', 'startup'),
      `the startup probe allows ${budget} s; Axon Server can take several minutes to start after a restore or an index rebuild, and is then restarted in a loop (10 minutes is the default)`,
    );
  }
}
