/**
 * The rollout controller of an environment (src/controller/): one small Deployment that runs
 * axon-deploy's own code from a ConfigMap named after its content, with its own ServiceAccount
 * and a Role that allows exactly what it does, and the NodeRollout it acts on and reports to.
 *
 * Which image runs and how its code gets there: `controller.image` (by default the distroless
 * Node.js image pinned by digest) runs `node /app/controller.js`; that file is the bundle this
 * version of axon-deploy ships (lib/controller.js), rendered into the ConfigMap
 * `axon-deploy-controller-<hash>`: a new tool version is a new revision, reviewed like any other.
 */
import { CONTROLLER_BUNDLE } from '../../assets';
import type { ControllerConfig, JobsConfig, MonitoringConfig } from '../../config/schema';
import { API, NODE_ROLLOUT_KIND, NODE_ROLLOUT_NAME, NodeRolloutSpec, SecretKeyRef } from '../../controller/api';
import { LABEL_API_CLIENT } from '../../domain/keys';
import { claimName, nodePodName, serviceDomain } from '../../domain/names';
import { AXON_PORTS, CONTROLLER_PORT } from '../../domain/ports';
import { ADMIN_GROUP } from '../../domain/roles';
import { WAVE } from '../../domain/waves';
import { contentNamed } from '../config-files';
import type { LabelScheme } from '../labels';
import { podMonitor } from '../monitoring';
import type { NameRegistry } from '../names';
import { resolveResources } from '../resources';
import type { Issues } from '../issues';
import type {
  AppReleaseModel,
  AxonServerModel,
  ConfigFilesModel,
  Labels,
  ObjectMeta,
  PodModel,
  PodMonitorModel,
  RoleModel,
} from '../types';

export const CONTROLLER_NAME = 'axon-deploy-controller';
const COMPONENT = 'rollout-controller';
const CODE_DIR = '/app';

export interface ControllerModel {
  readonly serviceAccount: ObjectMeta;
  readonly role: RoleModel;
  readonly roleBinding: ObjectMeta;
  /** The controller's code: a revision named after its content. */
  readonly code: ConfigFilesModel;
  readonly deployment: { readonly meta: ObjectMeta; readonly selector: Labels; readonly pod: PodModel };
  readonly nodeRollout: {
    readonly apiVersion: typeof API;
    readonly kind: typeof NODE_ROLLOUT_KIND;
    readonly meta: ObjectMeta;
    readonly spec: NodeRolloutSpec;
  };
  /** The Lease the controller holds while it acts (one instance at a time). */
  readonly lease: string;
  /** Argo CD's Lua health check of the controller's resources (installed once per Argo CD). */
  readonly argocdHealthCheck: string;
  readonly podMonitor?: PodMonitorModel;
}

export interface ControllerInput {
  readonly namespace: string;
  readonly config: ControllerConfig;
  readonly jobs: JobsConfig;
  readonly monitoring: MonitoringConfig;
  readonly rollout: {
    readonly maxLagEntries: number;
    readonly settleSeconds: number;
    readonly stuckAfterSeconds: number;
    readonly paused: boolean;
  };
  readonly axonServer: AxonServerModel;
  /** The blue/green apps' AppReleases: the objects the controller may change, by name. */
  readonly releases: readonly AppReleaseModel[];
  readonly bundle: string;
  readonly argocdHealthCheck: string;
  readonly labels: LabelScheme;
  readonly names: NameRegistry;
  readonly issues: Issues;
}

export function buildController(input: ControllerInput): ControllerModel {
  const { labels, names } = input;
  const stable = labels.stable(CONTROLLER_NAME, CONTROLLER_NAME, COMPONENT);
  const meta = (name: string, wave: number = WAVE.config): ObjectMeta => ({ name, labels: labels.full(stable), wave });
  const code = contentNamed(CONTROLLER_NAME, [[CONTROLLER_BUNDLE, input.bundle]], labels.full(stable), WAVE.config);
  for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'Deployment'])
    names.claim(kind, CONTROLLER_NAME, ['controller']);
  names.claim('ConfigMap', code.meta.name, ['controller'], "the rollout controller's code");
  names.claim(NODE_ROLLOUT_KIND, NODE_ROLLOUT_NAME, ['axonServer'], 'the NodeRollout');
  const spec = nodeRolloutSpec(input);
  const selector: Labels = { 'app.kubernetes.io/name': CONTROLLER_NAME, 'app.kubernetes.io/component': COMPONENT };
  return {
    serviceAccount: meta(CONTROLLER_NAME),
    role: { meta: meta(CONTROLLER_NAME), rules: controllerRules(spec, input.releases) },
    roleBinding: meta(CONTROLLER_NAME),
    code,
    deployment: { meta: meta(CONTROLLER_NAME, WAVE.nodes), selector, pod: controllerPod(input, stable, code) },
    // In the last wave: its health (Progressing while nodes roll) never holds a sync open.
    nodeRollout: { apiVersion: API, kind: NODE_ROLLOUT_KIND, meta: meta(NODE_ROLLOUT_NAME, WAVE.nodes), spec },
    lease: CONTROLLER_NAME,
    argocdHealthCheck: input.argocdHealthCheck,
    podMonitor: input.monitoring.enabled
      ? podMonitor(input.monitoring, {
          name: CONTROLLER_NAME,
          labels: labels.full(labels.stable(CONTROLLER_NAME, CONTROLLER_NAME, 'metrics')),
          wave: WAVE.config,
          selector,
          port: 'metrics',
          path: '/metrics',
        })
      : undefined,
  };
}

/** The NodeRollout's spec: the nodes in the order they restart (nodes that do not vote first). */
function nodeRolloutSpec(input: ControllerInput): NodeRolloutSpec {
  const ax = input.axonServer;
  const ordered = [...ax.nodes.filter((n) => !n.voter), ...ax.nodes.filter((n) => n.voter)];
  return {
    edition: ax.edition,
    bootstrapNode: ax.firstNode,
    nodes: ordered.map((n) => ({
      name: n.name,
      statefulSet: n.statefulSet.name,
      pod: nodePodName(n.statefulSet.name),
      dataClaim: claimName('data', n.name),
      admin: ax.edition === 'standard' || n.roles.some((r) => r.group === ADMIN_GROUP),
      voter: n.voter,
      groups: n.roles.map((r) => ({ name: r.group, role: r.role })),
    })),
    groups: ax.replicationGroups.map((g) => ({
      name: g.name,
      roles: g.roles.map((r) => ({ node: r.node, role: r.role })),
    })),
    axonServer: {
      scheme: ax.tls?.http ? 'https' : 'http',
      domain: serviceDomain(input.namespace),
      httpPort: AXON_PORTS.http,
      managementPort: AXON_PORTS.management,
      systemToken: ax.systemToken,
      ca: ax.tls?.http ? ax.tls.ca : undefined,
    },
    registration: ax.registration,
    rollout: { ...input.rollout, minActiveBackups: 1 },
  };
}

type Rules = RoleModel['rules'];

/** The controller's API group. */
const GROUP = API.split('/')[0];

/** A rule on the named objects of one resource, or none when there are none. */
function byName(apiGroup: string, resource: string, verbs: string[], names: Iterable<string>): Rules {
  const list = [...new Set(names)].sort();
  return list.length > 0 ? [{ apiGroups: [apiGroup], resources: [resource], verbs, resourceNames: list }] : [];
}

/** What the controller does, and nothing else: each object it changes by name. */
function controllerRules(spec: NodeRolloutSpec, releases: readonly AppReleaseModel[]): Rules {
  const { secrets, configMaps } = readCredentials(spec, releases);
  return [
    // Restart a node (delete its pod), let a held pod start (remove its scheduling gate).
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete', 'patch'] },
    // The readiness-gate condition: in its groups and caught up.
    { apiGroups: [''], resources: ['pods/status'], verbs: ['patch'] },
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list'] },
    { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list'] },
    { apiGroups: [GROUP], resources: ['noderollouts'], verbs: ['get', 'list'] },
    { apiGroups: [GROUP], resources: ['noderollouts/status'], verbs: ['get', 'patch', 'update'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    // One controller acts at a time: the Lease (create cannot be limited to a name).
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'update'],
      resourceNames: [CONTROLLER_NAME],
    },
    ...byName('', 'secrets', ['get'], secrets),
    ...releaseRules(releases),
    ...byName('', 'configmaps', ['get'], configMaps),
  ];
}

/** The Secrets (tokens, passwords, a CA) and CA ConfigMaps the controller reads. */
function readCredentials(spec: NodeRolloutSpec, releases: readonly AppReleaseModel[]) {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const add = (ref: SecretKeyRef | undefined) => ref && secrets.add(ref.name);
  const addCa = (ca: NodeRolloutSpec['axonServer']['ca']) =>
    ca && (ca.kind === 'Secret' ? secrets : configMaps).add(ca.name);
  add(spec.axonServer.systemToken);
  addCa(spec.axonServer.ca);
  for (const app of spec.registration?.apps ?? []) add(app.token);
  for (const user of spec.registration?.users ?? []) add(user.password);
  for (const r of releases) {
    add(r.spec.axonServer.token);
    addCa(r.spec.axonServer.ca);
  }
  return { secrets, configMaps };
}

/** What walking releases needs: the AppReleases, and the fields it owns on each release's objects by name. */
function releaseRules(releases: readonly AppReleaseModel[]): Rules {
  if (releases.length === 0) return [];
  const colors = releases.flatMap((r) => Object.values(r.spec.colors));
  const objects = releases.map((r) => r.spec.objects);
  const cleanupJobs = colors.flatMap((c) => (c.cleanupJob ? [c.cleanupJob.meta.name] : []));
  return [
    { apiGroups: [GROUP], resources: ['appreleases'], verbs: ['get', 'list'] },
    { apiGroups: [GROUP], resources: ['appreleases/status'], verbs: ['get', 'patch', 'update'] },
    // The fields it owns: release files, live and preview Services, budgets, scale.
    ...byName(
      '',
      'configmaps',
      ['get', 'patch'],
      objects.map((o) => o.releaseConfigMap),
    ),
    ...byName(
      '',
      'services',
      ['get', 'patch'],
      objects.flatMap((o) => [o.liveService, ...(o.previewService ? [o.previewService] : [])]),
    ),
    ...byName(
      'policy',
      'poddisruptionbudgets',
      ['get', 'patch'],
      objects.map((o) => o.podDisruptionBudget),
    ),
    ...byName(
      'apps',
      'deployments',
      ['get', 'patch'],
      colors.map((c) => c.deployment),
    ),
    ...byName(
      'autoscaling',
      'horizontalpodautoscalers',
      ['get', 'patch'],
      colors.flatMap((c) => (c.autoscaler ? [c.autoscaler] : [])),
    ),
    // A failed database Job holds a colour (a stale database).
    ...byName(
      'batch',
      'jobs',
      ['get'],
      colors.flatMap((c) => (c.databaseJob ? [c.databaseJob] : [])),
    ),
    // autoPromote: the cleanup Job of a colour it walked out (create cannot be limited to a name).
    ...(cleanupJobs.length > 0
      ? [
          { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
          ...byName('batch', 'jobs', ['get'], cleanupJobs),
        ]
      : []),
  ];
}

function controllerPod(input: ControllerInput, stable: Labels, code: ConfigFilesModel): PodModel {
  const { config, labels } = input;
  const resources = resolveResources(config.resources, ['controller', 'resources'], input.issues);
  const podLabels = labels.full(stable, { [LABEL_API_CLIENT]: 'true' });
  return {
    labels: podLabels,
    annotations: {},
    user: { runAsUser: config.runAsUser, runAsGroup: config.runAsUser },
    imagePullSecrets: input.jobs.imagePullSecrets,
    serviceAccount: CONTROLLER_NAME,
    // It leaves the Lease on SIGTERM: the next instance takes over at once.
    terminationGracePeriodSeconds: 30,
    volumes: [{ kind: 'configMap', name: 'code', configMap: code.meta.name, defaultMode: 0o444 }],
    containers: [
      {
        name: 'controller',
        image: config.image,
        imagePullPolicy: 'IfNotPresent',
        // The image's entrypoint is node (distroless nodejs).
        args: [`${CODE_DIR}/${CONTROLLER_BUNDLE}`, 'run'],
        ports: [{ name: 'metrics', containerPort: CONTROLLER_PORT }],
        env: [
          { name: 'AXON_DEPLOY_NAMESPACE', value: input.namespace },
          { name: 'AXON_DEPLOY_POLL_SECONDS', value: String(config.pollSeconds) },
          { name: 'AXON_DEPLOY_PORT', value: String(CONTROLLER_PORT) },
        ],
        resources,
        probes: {
          startup: httpProbe(60),
          liveness: httpProbe(3),
          readiness: httpProbe(3),
        },
        mounts: [{ name: 'code', mountPath: CODE_DIR, readOnly: true }],
      },
    ],
  };
}

const httpProbe = (failureThreshold: number) => ({
  path: '/healthz',
  port: 'metrics',
  scheme: 'HTTP' as const,
  initialDelaySeconds: 0,
  periodSeconds: 5,
  timeoutSeconds: 3,
  failureThreshold,
  successThreshold: 1,
});
