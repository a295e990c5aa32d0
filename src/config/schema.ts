/**
 * The shape of `config/<env>.yaml`, as zod schemas.
 *
 * Strict objects everywhere: an unknown or misspelt key is an error, never silently dropped.
 * Every field has a description (shown by editors through `config/schema.json` and listed in the
 * configuration reference, docs/reference/configuration.md) and, where one exists, its default. Checks that involve several
 * fields (roles name existing nodes, quorum, phases) live in the model, not here.
 */
import { z } from 'zod';
import {
  AXON_NAME, dnsLabelProblem, dnsSubdomainProblem, ENV_NAME, labelKeyProblem, labelValueProblem,
  parseImageReference, Problem, quantityProblem, QuantityKind, versionProblem,
} from './formats';
import { cronScheduleProblem, timeZoneProblem } from './cron';
import { ARGOCD_PREFIX } from '../domain/keys';
import { COLORS, PHASES } from '../domain/phases';
import { APPLICATION_ROLES, ROLES } from '../domain/roles';
import { docRef } from '../domain/docs';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Adds a check whose failure reads "expected …"; the loader appends what was found. */
function checked<T extends z.ZodType>(schema: T, check: (value: z.output<T>) => string | Problem | undefined): T {
  return schema.superRefine((value, ctx) => {
    const problem = check(value);
    if (problem === undefined) return;
    const { message, hint } = typeof problem === 'string' ? { message: problem, hint: undefined } : problem;
    ctx.addIssue({ code: 'custom', message, params: hint ? { hint } : undefined });
  });
}

/** A record whose keys are checked too; a bad key is reported at the key. */
function recordOf<V extends z.ZodType>(value: V, keyCheck: (key: string) => string | undefined) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      const problem = keyCheck(key);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key], params: { about: 'key' } });
    }
  });
}

const name = (max: number, why: string) =>
  checked(z.string(), (v) => dnsLabelProblem(v, max, why)).meta({ pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: max });

const objectName = () => checked(z.string(), dnsSubdomainProblem).meta({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 });

const quantity = (kind: QuantityKind) =>
  checked(
    z.union([z.string(), z.number()], { error: `expected a quantity like ${kind === 'cpu' ? '500m or 2' : kind === 'memory' ? '4Gi' : '500Gi'}` }),
    (v) => quantityProblem(String(v), kind),
  );

const labels = () => recordOf(checked(z.string(), labelValueProblem), labelKeyProblem);

const seconds = (min: number) => z.int().min(min);

const secretName = (what: string) => objectName().describe(`Name of the Secret holding ${what} (created outside axon-deploy: tokens and licences are referenced, never rendered).`);

interface ProbeDefaults { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }

/** Probe timing; the defaults differ per probe and are given where each probe is declared. */
const probeTuning = (defaults: ProbeDefaults) =>
  z.strictObject({
    initialDelaySeconds: seconds(0).default(defaults.initialDelaySeconds).describe('Seconds after the container starts before the first probe.'),
    periodSeconds: seconds(1).default(defaults.periodSeconds).describe('Seconds between probes.'),
    timeoutSeconds: seconds(1).default(defaults.timeoutSeconds).describe('Seconds a probe may take before it counts as failed.'),
    failureThreshold: seconds(1).default(defaults.failureThreshold).describe('Consecutive failures before the probe fails.'),
  });

/** Readiness may require several successes; Kubernetes allows only 1 for startup and liveness. */
const readinessTuning = (defaults: ProbeDefaults) =>
  probeTuning(defaults).extend({ successThreshold: seconds(1).default(1).describe('Consecutive successes before the probe passes again.') });

const resources = (defaults: { cpu: string; memory: string }) =>
  z.strictObject({
    requests: z.strictObject({
      cpu: quantity('cpu').default(defaults.cpu).describe('CPU the scheduler reserves.'),
      memory: quantity('memory').default(defaults.memory).describe('Memory the scheduler reserves.'),
    }).prefault({}).describe('Resources reserved for each pod.'),
    limits: z.strictObject({
      cpu: quantity('cpu').optional().describe('CPU limit. Unset by default: a CPU limit throttles the JVM (garbage collection, replays) without protecting anyone.'),
      memory: quantity('memory').optional().describe('Memory limit. @default - the memory request (a pod never uses memory it did not reserve).'),
    }).default({}).describe('Resource limits.'),
  }).prefault({});

// ---------------------------------------------------------------------------------------------
// Axon Server

export const VOLUME_NAMES = ['events', 'data', 'log', 'plugins', 'exts'] as const;
export type VolumeName = (typeof VOLUME_NAMES)[number];

const tolerationSchema = z.strictObject({
  key: z.string().optional().describe('Taint key.'),
  operator: z.enum(['Exists', 'Equal']).default('Equal').describe('How the value is compared.'),
  value: z.string().optional().describe('Taint value (with Equal).'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('Taint effect. @default - all effects'),
  tolerationSeconds: z.int().min(0).optional().describe('For NoExecute: how long the pod stays after the taint appears.'),
});

const labelSelectorSchema = z.strictObject({
  matchLabels: labels().optional().describe('Labels the pods must have.'),
  matchExpressions: z.array(z.strictObject({
    key: checked(z.string(), labelKeyProblem).describe('Label key.'),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('How the values are compared.'),
    values: z.array(z.string()).optional().describe('Values (In, NotIn).'),
  })).optional().describe('Set-based requirements.'),
}).describe('A Kubernetes label selector.');

const nodeSelectorTermSchema = z.strictObject({
  matchExpressions: z.array(z.strictObject({
    key: z.string().min(1).describe('Node label key.'),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']).describe('How the values are compared.'),
    values: z.array(z.string()).optional().describe('Values.'),
  })).min(1).describe('Requirements on node labels.'),
});

const podAffinityTermSchema = z.strictObject({
  labelSelector: labelSelectorSchema,
  topologyKey: z.string().min(1).describe('Node label whose value defines the domain, e.g. kubernetes.io/hostname.'),
  namespaces: z.array(z.string()).optional().describe('Namespaces of the pods. @default - the pod\'s own'),
});

const podAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTermSchema).optional().describe('Hard rules.'),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
    weight: z.int().min(1).max(100).describe('Weight (1-100).'),
    podAffinityTerm: podAffinityTermSchema,
  })).optional().describe('Soft rules.'),
});

/** The Kubernetes affinity fields, typed (a subset: what placement on pools and beside other pods needs). */
export const affinitySchema = z.strictObject({
  nodeAffinity: z.strictObject({
    requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeSelectorTermSchema).min(1) }).optional().describe('Hard rules: one of the terms must match.'),
    preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
      weight: z.int().min(1).max(100).describe('Weight (1-100).'),
      preference: nodeSelectorTermSchema,
    })).optional().describe('Soft rules.'),
  }).optional().describe('Which nodes the pods may or prefer to run on.'),
  podAffinity: podAffinitySchema.optional().describe('Pods to run near.'),
  podAntiAffinity: podAffinitySchema.optional().describe('Pods to keep away from.'),
}).describe('Kubernetes affinity (node affinity, pod affinity and anti-affinity).');

const placementFields = {
  nodeSelector: labels().optional().describe('Node labels the pods require.'),
  tolerations: z.array(tolerationSchema).optional().describe('Tolerations, e.g. for a dedicated node pool.'),
  affinity: affinitySchema.optional(),
  priorityClassName: objectName().optional().describe('PriorityClass of the pods.'),
};

const volume = (what: string) =>
  z.strictObject({
    size: quantity('storage').describe('Requested size, e.g. 500Gi. Can grow later (PVC expansion), never shrink.'),
    storageClass: objectName().optional().describe('StorageClass of the volume: one from `storageClasses`, or one that exists in the cluster. @default - the cluster\'s default StorageClass'),
  }).describe(what);

const nodeSchema = z.strictObject({
  name: name(52, 'the StatefulSet controller adds an 11-character revision suffix to a 63-character label')
    .describe('Node name: the StatefulSet, its headless Service, the Axon Server node name and hostname. Never rename a running node.'),
  zone: checked(z.string(), labelValueProblem).optional()
    .describe('Zone (topology.kubernetes.io/zone) the node must run in; also set as the node tag `zone`. @default - any zone'),
  tags: recordOf(z.string(), (k) => (/^[a-z0-9]+$/.test(k) ? undefined : 'expected a tag name of lowercase letters and digits (it is passed as an environment variable)'))
    .default({}).describe('Axon Server node tags (axoniq.axonserver.tags.*): clients prefer nodes whose tags match theirs.'),
  resources: z.strictObject({
    requests: z.strictObject({
      cpu: quantity('cpu').optional().describe('CPU the scheduler reserves. @default - axonServer.resources'),
      memory: quantity('memory').optional().describe('Memory the scheduler reserves. @default - axonServer.resources'),
    }).optional().describe('Requests of this node.'),
    limits: z.strictObject({
      cpu: quantity('cpu').optional().describe('CPU limit. @default - axonServer.resources'),
      memory: quantity('memory').optional().describe('Memory limit (the heap is sized from it). @default - this node\'s memory request when it sets one, else axonServer.resources'),
    }).optional().describe('Limits of this node.'),
  }).optional().describe('Requests and limits of this node, each field over axonServer.resources (e.g. a larger archive node).'),
  jvm: z.strictObject({
    heapPercent: z.int().min(10).max(90).optional().describe('Heap as a percentage of this node\'s memory limit. @default - axonServer.jvm.heapPercent'),
    toolOptions: z.string().optional().describe('JVM options replacing the computed heap settings of this node. @default - axonServer.jvm.toolOptions'),
  }).optional().describe('JVM settings of this node, over axonServer.jvm.'),
  scheduling: z.strictObject(placementFields).optional().describe('Placement of this node, each field replacing the cluster\'s (nodeSelector, tolerations, affinity, priorityClassName).'),
  volumes: z.strictObject({
    events: volume('Event and snapshot store (/axonserver/events). Required unless the node is MESSAGING_ONLY everywhere, which it then must not have.').optional(),
    data: volume('Control DB and PID file (/axonserver/data).'),
    log: volume('Replication log (/axonserver/log): every node keeps one, a standalone one too. @default - 5Gi in the cluster\'s default storage class (synth says when it uses it)').optional(),
    plugins: volume('Uploaded plugins on a volume of their own (/axonserver/plugins/bundles). Without it they are on the data volume (/axonserver/data/plugins/bundles): persistent either way, as the reference guide requires.').optional(),
    exts: volume('Extension jars (/axonserver/exts).').optional(),
  }).describe('Persistent volumes of the node, each its own PersistentVolumeClaim template.'),
});

const replicationGroupSchema = z.strictObject({
  name: checked(z.string(), (v) => (AXON_NAME.test(v) ? undefined : 'expected a replication group name of letters, digits, "_", "-" and "."'))
    .describe('Replication group name. `_admin` may be declared to choose its members; otherwise it is derived.'),
  contexts: z.array(checked(z.string(), (v) => (AXON_NAME.test(v) ? undefined : 'expected a context name of letters, digits, "_", "-" and "."')))
    .default([]).describe('Contexts stored by this group.'),
  roles: z.record(z.string(), z.enum(ROLES)).describe('Role of each node in this group, by node name.'),
});

const storageClassSchema = z.strictObject({
  name: objectName().describe('StorageClass name (cluster-scoped: declare each class in one environment per cluster).'),
  provisioner: z.string().min(1).describe('CSI provisioner, e.g. pd.csi.storage.gke.io or ebs.csi.aws.com.'),
  parameters: z.record(z.string(), z.string()).default({}).describe('Provisioner parameters, e.g. { type: pd-ssd }.'),
  mountOptions: z.array(z.string()).default([]).describe('Mount options for volumes of this class.'),
});


/** Pods allowed to reach a port: the pods with these labels in a namespace. */
export const peerSchema = z.strictObject({
  namespace: name(63, 'namespace names are DNS labels').optional().describe('Namespace of the pods. @default - the environment\'s namespace'),
  podLabels: labels().default({}).describe('Labels the pods must have; empty: every pod of the namespace.'),
});

const jsonPointer = () => z.string().regex(/^(\/([^~/]|~[01])*)*$/, { error: 'expected a JSON pointer like /spec/template/metadata/annotations/example' }).describe('JSON pointer (RFC 6901).');

const duration = (example: string) => z.string().regex(/^(\d+h)?(\d+m)?(\d+s)?$/, { error: `expected a duration like ${example}` }).refine((v) => v !== '', { error: `expected a duration like ${example}` });

const hostName = () => checked(z.string(), (v) => (/^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v) ? undefined : 'expected a host name like orders.example.com'));

/** A cert-manager issuer. */
const issuerRefSchema = (what: string) => z.strictObject({
  kind: z.enum(['Issuer', 'ClusterIssuer']).default('ClusterIssuer').describe('Issuer kind.'),
  name: objectName().describe('Issuer name.'),
  group: z.string().default('cert-manager.io').describe('API group of the issuer (cert-manager.io, or an external issuer\'s).'),
}).describe(what);

/** Gateways an HTTPRoute attaches to. */
const parentRefsSchema = (what: string) => z.array(z.strictObject({
  name: objectName().describe('Gateway name.'),
  namespace: name(63, 'namespace names are DNS labels').optional().describe('Gateway namespace. @default - the environment\'s namespace'),
  sectionName: z.string().optional().describe('Listener of the Gateway.'),
})).min(1).describe(what);

/** Annotations of an Ingress: the controller's; Argo CD's are axon-deploy's own (waves, options, hooks). */
const ingressAnnotations = (what: string) => recordOf(z.string(), (k) => (k.startsWith(ARGOCD_PREFIX)
  ? 'expected an annotation of the Ingress controller: Argo CD annotations (sync waves, options, hooks) are set by axon-deploy'
  : labelKeyProblem(k))).default({}).describe(what);

const tlsSchema = z.strictObject({
  enabled: z.boolean().default(false).describe(`TLS on client gRPC (8124), between nodes (8224) and, with \`http\`, on HTTP (8024: UI, REST API, actuator). Switching it on or off needs every node and client to switch together (${docRef('tlsSwitch')}).`),
  certManager: z.strictObject({
    issuer: issuerRefSchema('The cert-manager issuer that signs the node certificates.'),
    duration: duration('2160h').default('2160h').describe('Lifetime of a certificate.'),
    renewBefore: duration('720h').default('720h').describe('How long before expiry cert-manager renews it.'),
    algorithm: z.enum(['RSA', 'ECDSA']).default('RSA').describe('Private key algorithm (RSA 2048 or ECDSA P-256); the key is always PKCS#8, as Axon Server requires.'),
  }).optional().describe('One cert-manager Certificate per node, written to the Secret <node>-tls. Omit to provide the Secrets <node>-tls yourself (tls.crt, PKCS#8 tls.key, ca.crt, and keystore.p12 when http is on).'),
  http: z.boolean().default(true).describe('HTTPS on 8024 (and the actuator port 8025) too, from the PKCS12 keystore keystore.p12 of the node\'s Secret (Spring Boot server.ssl.*, as AxonIQ documents it).'),
  keystorePasswordSecret: z.strictObject({
    name: secretName('the password of the PKCS12 keystore'),
    key: z.string().default('password').describe('Key of the password in the Secret.'),
  }).optional().describe('The keystore password (required when http is on): cert-manager encrypts keystore.p12 with it, Axon Server opens it with it.'),
  caBundle: z.strictObject({
    kind: z.enum(['ConfigMap', 'Secret']).default('ConfigMap').describe('Whether the bundle is in a ConfigMap or a Secret.'),
    name: objectName().describe('Name of the ConfigMap or Secret.'),
    key: z.string().default('ca.crt').describe('Key of the PEM bundle.'),
  }).optional().describe('The CA certificates apps, Jobs and Prometheus trust (PEM). @default - ca.crt of the bootstrap node\'s Secret (only that key is mounted)'),
});

export const BACKUP_VOLUMES = ['data', 'log', 'events'] as const;

const backupSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Back up on a schedule: a control-DB backup through the REST API on every _admin node, then a CSI VolumeSnapshot of each node\'s volumes (enterprise and standard).'),
  schedule: checked(z.string(), cronScheduleProblem).meta({ pattern: '^(@.+|\\s*\\S+(\\s+\\S+){4}\\s*)$' }).default('0 2 * * *')
    .describe('When, as a CronJob schedule, checked as Kubernetes does: five fields (minute hour day-of-month month day-of-week, e.g. "0 2 * * *"), or @hourly, @daily, @weekly, @monthly, @yearly or `@every <duration>`. The time zone is timeZone: Kubernetes refuses TZ= and CRON_TZ= in the schedule.'),
  timeZone: checked(z.string(), timeZoneProblem).meta({ minLength: 1 }).default('Etc/UTC')
    .describe('Time zone of the schedule: an IANA name such as Europe/Amsterdam (case-sensitive; not Local).'),
  volumeSnapshotClass: objectName().optional().describe('VolumeSnapshotClass of the snapshots. @default - the cluster\'s default class for the volumes\' driver'),
  keep: z.int().min(1).max(1000).default(7).describe('Backup runs kept; older snapshots are deleted after a successful run.'),
  volumes: z.array(z.enum(BACKUP_VOLUMES)).min(1).default([...BACKUP_VOLUMES]).describe('Volumes snapshotted on each node (a node without one is skipped for it).'),
  timeoutSeconds: seconds(60).default(3600).describe('How long a run may take (waiting for snapshots to become ready) before it fails.'),
}).describe(`Scheduled backups. Restore: \`axon-deploy restore\` and ${docRef('restore')}.`);

const roleAt = checked(z.string(), (v) => (/^[A-Z_]+@[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'expected ROLE@context, like ADMIN@_admin or USE_CONTEXT@orders'));

const registrationSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('With access control (Enterprise): the rollout controller registers every app (its token from tokenSecret, its axonServerRoles in its context) and the users below through the REST API, and again whenever their Secrets or roles change.'),
  users: z.array(z.strictObject({
    userName: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: 'expected a user name of letters, digits, "_", ".", "@" and "-"' }).describe('User name (for the UI and the REST API).'),
    passwordSecret: secretName('the user\'s password'),
    passwordKey: z.string().default('password').describe('Key of the password in passwordSecret.'),
    roles: z.array(roleAt).min(1).describe('Roles as ROLE@context, e.g. ADMIN@_admin, VIEW_CONFIGURATION@_admin, USE_CONTEXT@orders.'),
  })).default([]).describe('UI and REST API users.'),
}).describe('Registration of apps and users in Axon Server (needs access control).');

const uiSchema = z.strictObject({
  allowedFrom: z.array(peerSchema).default([]).describe('Who else may reach HTTP 8024 (UI, REST API): e.g. the ingress controller\'s pods. axon-deploy\'s Jobs and controller and the nodes themselves always may. Never the actuator (8025).'),
  ingress: z.strictObject({
    host: hostName().describe('Host name of the UI.'),
    className: objectName().optional().describe('IngressClass. @default - the cluster\'s default'),
    tlsSecretName: objectName().optional().describe('Secret with the certificate for the host (TLS at the ingress).'),
    annotations: ingressAnnotations('Annotations, e.g. for a backend in HTTPS with tls.http (ingress-nginx: nginx.ingress.kubernetes.io/backend-protocol: HTTPS).'),
  }).optional().describe('An Ingress for the UI Service.'),
  httpRoute: z.strictObject({
    parentRefs: parentRefsSchema('Gateways the route attaches to.'),
    hostnames: z.array(hostName()).default([]).describe('Host names the route answers.'),
  }).optional().describe('A Gateway API HTTPRoute for the UI Service.'),
}).describe('The UI Service (only _admin nodes behind it, session affinity) and who reaches it.');

const actuatorSchema = z.strictObject({
  exposure: z.array(z.string().regex(/^[a-z][a-zA-Z-]*$/, { error: 'expected an actuator endpoint id like health' })).default(['health', 'info', 'prometheus'])
    .describe('Actuator endpoints exposed on the management port 8025 (management.endpoints.web.exposure.include), which no Ingress publishes. Axon Server\'s default also exposes env, loggers and metrics, which need no token.'),
  healthDetails: z.enum(['never', 'when-authorized', 'always']).default('when-authorized')
    .describe('management.endpoint.health.show-details: details (node names, disk paths, licence state) only for callers that send a token (when-authorized, Axon Server\'s advice), never, or always. The controller sends its token.'),
}).describe('Spring Boot actuator of Axon Server, set deliberately.');

export const axonServerSchema = z.strictObject({
  edition: z.enum(['standard', 'enterprise']).describe('`standard`: one standalone node, no licence. `enterprise`: a cluster with a licence, replication groups and roles.'),
  image: checked(z.string(), (v) => {
    const ref = parseImageReference(v);
    if (!ref) return 'expected an image reference like axoniq/axonserver:2025.1.5-jdk-17-nonroot';
    return undefined;
  }).describe('Axon Server image, by tag (axoniq/axonserver:2025.1.5-jdk-17-nonroot) or pinned by digest (…@sha256:…, with or without the tag). Use a -nonroot image (uid 1001): the others run as root. Without a tag or with latest: a warning (a consensus cluster must be upgraded deliberately).'),
  imagePullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent').describe('Image pull policy.'),
  imagePullSecrets: z.array(objectName()).default([]).describe('Secrets for pulling images from a private registry.'),
  license: z.strictObject({
    secretName: secretName('the licence file'),
    key: z.string().default('axoniq.license').describe('Key of the licence file in the Secret.'),
  }).optional().describe('Enterprise licence (required for enterprise, not allowed for standard).'),
  accessControl: z.strictObject({
    enabled: z.boolean().default(false).describe('Require tokens from clients and admins (axoniq.axonserver.accesscontrol.enabled).'),
    systemTokenSecret: secretName('the system (admin) token').optional(),
    systemTokenKey: z.string().default('token').describe('Key of the system token in its Secret.'),
    internalTokenSecret: secretName('the token nodes use among themselves (enterprise)').optional(),
    internalTokenKey: z.string().default('token').describe('Key of the internal token in its Secret.'),
    controllerTokenSecret: secretName('the token of axon-deploy\'s controller, registered by the controller itself with USE_CONTEXT on each app\'s context: it asks the context-scoped questions (processors, subscriptions)').optional(),
    controllerTokenKey: z.string().default('token').describe('Key of the controller token in its Secret.'),
  }).prefault({}).describe('Access control.'),
  resources: resources({ cpu: '1', memory: '4Gi' }).describe('Requests and limits of each node.'),
  jvm: z.strictObject({
    heapPercent: z.int().min(10).max(90).default(50).describe('Heap as a percentage of the memory limit (-Xms = -Xmx). The rest is for memory-mapped event segments, direct buffers and the JVM itself.'),
    toolOptions: z.string().optional().describe('JVM options replacing the computed heap settings (the heap-dump options are still added).'),
    heapDumpOnOutOfMemory: z.boolean().default(true).describe('Write a heap dump to /axonserver/heapdumps (an emptyDir as large as the memory limit, kept across container restarts) when the JVM runs out of memory.'),
  }).prefault({}).describe('JVM settings.'),
  terminationGracePeriodSeconds: seconds(0).default(120).describe('Seconds a node gets to flush and stop before SIGKILL. Under 60 is an error unless allowShortTerminationGracePeriod is set: a SIGKILL mid-flush can corrupt the control DB.'),
  allowShortTerminationGracePeriod: z.boolean().default(false).describe('Accept terminationGracePeriodSeconds under 60 (test clusters only).'),
  probes: z.strictObject({
    startup: probeTuning({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 })
      .prefault({})
      .describe('Startup probe (GET /actuator/info on the management port 8025). Default budget 10 minutes: startup after a restore or with index rebuilds takes minutes.'),
    liveness: probeTuning({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 })
      .prefault({})
      .describe('Liveness probe (GET /actuator/info; never /actuator/health, which fails when another node is unwell). timeoutSeconds must be above 1.'),
    readiness: readinessTuning({ initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 })
      .prefault({})
      .describe('Readiness probe (GET /actuator/info).'),
  }).prefault({}).describe('Probe timings; each field can be set on its own.'),
  properties: recordOf(z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean property value' }),
    (k) => (/^[A-Za-z0-9][A-Za-z0-9._\-[\]]*$/.test(k) ? undefined : 'expected a property name like axoniq.axonserver.event.segment-size'))
    .default({}).describe('Extra axonserver.properties entries, common to all nodes. Properties axon-deploy manages (names, ports, paths, tokens, cluster template) are refused: set them through their own fields.'),
  storageClasses: z.array(storageClassSchema).default([]).describe('StorageClasses to create (reclaimPolicy Retain, allowVolumeExpansion, WaitForFirstConsumer).'),
  nodes: z.array(nodeSchema).min(1).describe('The Axon Server nodes: one singleton StatefulSet each.'),
  bootstrapNode: name(52, 'it is a node name').optional().describe(`The node that forms a clean cluster (the cluster template's \`first\`); the others join it. Move it to another PRIMARY of _admin before the bootstrap node rejoins empty (${docRef('recoverNode')}): a first node that starts on an empty volume forms a new cluster. @default - the first PRIMARY node of _admin`),
  replicationGroups: z.array(replicationGroupSchema).default([]).describe('Replication groups with their contexts and the role of each node (enterprise). Written to the cluster template.'),
  networkPolicy: z.strictObject({
    enabled: z.boolean().default(true).describe('Create NetworkPolicies for the nodes.'),
    allowedNamespaces: z.array(name(63, 'namespace names are DNS labels')).default([])
      .describe('Namespaces (besides the environment\'s own) whose pods may reach client gRPC 8124 (apps running elsewhere).'),
  }).prefault({}).describe('Ingress rules: 8224 only between nodes; 8124 from the namespace and allowedNamespaces; 8024 from the nodes, axon-deploy\'s Jobs and controller and ui.allowedFrom; the actuator 8025 from axon-deploy\'s Jobs and controller and Prometheus.'),
  tls: tlsSchema.prefault({}).describe('TLS end to end.'),
  backup: backupSchema.prefault({}),
  registration: registrationSchema.prefault({}),
  ui: uiSchema.prefault({}),
  actuator: actuatorSchema.prefault({}),
  rollout: z.strictObject({
    maxLagEntries: z.int().min(0).default(100).describe('Raft log entries a node may be behind its group\'s leader and count as caught up (measured against the leader).'),
    settleSeconds: seconds(0).default(30).describe('Seconds a restarted node must be ready and in its groups before the controller restarts the next.'),
    stuckAfterSeconds: seconds(60).default(900).describe('Seconds the controller may wait for the same reason before the NodeRollout turns Degraded (Argo CD shows it).'),
    paused: z.boolean().default(false).describe('Hold every restart of a running node (the NodeRollout shows Suspended in Argo CD); nodes that are down still start. For changes that must reach every node at once (turning TLS on or off): the review says when. Also on the live object: the annotation axon-deploy.io/paused: "true".'),
  }).prefault({}).describe('How the rollout controller restarts nodes: one at a time, only when every voter of the node\'s groups is up and caught up.'),
  podAntiAffinity: z.enum(['required', 'preferred']).default('required').describe('Spread nodes over hosts: `required` never co-locates two nodes; `preferred` allows it when hosts run short.'),
  nodeSelector: labels().default({}).describe('Node labels the Axon Server pods require.'),
  tolerations: z.array(tolerationSchema).default([]).describe('Tolerations, e.g. for a dedicated node pool.'),
  priorityClassName: objectName().optional().describe('PriorityClass of the Axon Server pods.'),
  affinity: affinitySchema.optional().describe('Affinity of the Axon Server pods, beside the anti-affinity between nodes (e.g. a node pool by node affinity).'),
});

// ---------------------------------------------------------------------------------------------
// Apps

const version = () =>
  checked(z.string({ error: (issue) => (issue.input !== undefined ? 'expected a version string' : undefined) }), versionProblem)
    .describe('Version: the image tag, and the app.kubernetes.io/version label. Quote versions that look like numbers ("1.5").');

const digest = () => z.string().regex(/^sha256:[a-f0-9]{64}$/, { error: 'expected an image digest like sha256:<64 hex digits>' })
  .describe('Pins the image to this digest (<image>:<version>@<digest>): the version stays the tag and label, the digest decides what runs.');

/** Probe overrides of one colour; each field replaces the app's. */
const probeOverride = z.strictObject({
  initialDelaySeconds: seconds(0).optional().describe('Seconds after the container starts before the first probe.'),
  periodSeconds: seconds(1).optional().describe('Seconds between probes.'),
  timeoutSeconds: seconds(1).optional().describe('Seconds a probe may take.'),
  failureThreshold: seconds(1).optional().describe('Consecutive failures before the probe fails.'),
});

const colorSchema = z.strictObject({
  version: version(),
  phase: z.enum(PHASES).describe(`Where this colour is in its life cycle (${docRef('phases')}).`),
  replicas: z.int().min(1).optional().describe('Replicas while SERVING or INITIALISING (without autoscaling). @default - the app\'s replicas'),
  digest: digest().optional(),
  probes: z.strictObject({
    startup: probeOverride.optional().describe('Startup probe of this colour (e.g. a longer budget for a slow start).'),
    liveness: probeOverride.optional().describe('Liveness probe of this colour.'),
    readiness: probeOverride.optional().describe('Readiness probe of this colour.'),
  }).optional().describe('Probe settings of this colour over the app\'s (part of the colour\'s pod template: set them before it starts, not in the change that promotes it).'),
});

/** How the pods of one Deployment are replaced (maxUnavailable is always 0: no capacity is lost). */
const podRollout = {
  maxSurge: z.union([z.int().min(1), checked(z.string(), (v) => (/^\d+%$/.test(v) && v !== '0%' ? undefined : 'expected a positive percentage like 25%'))])
    .default(1).describe('Extra pods while a Deployment\'s pods are replaced (maxUnavailable is always 0).'),
  minReadySeconds: seconds(0).default(10).describe('Seconds a new pod must be ready before it counts as available.'),
};

const blueGreenSchema = z.strictObject({
  strategy: z.literal('blueGreen').describe('Two colour-suffixed Deployments, each with its own processors and read model.'),
  colors: z.strictObject({ blue: colorSchema, green: colorSchema }).describe('The two colours.'),
  standbyReplicas: z.int().min(1).default(1).describe('Replicas of a STANDING_BY colour (kept processing events for instant rollback).'),
  promotion: z.strictObject({
    processors: z.boolean().default(true).describe('The rollout controller switches to a colour only when every streaming processor of it is caught up now (asked of Axon Server: none replaying, every segment claimed, none in error, within maxLagEvents of the head). Off only for an app without event processors.'),
    maxLagEvents: z.int().min(0).default(100).describe('Events a processor may be behind the head of the event store and count as caught up.'),
    timeoutSeconds: seconds(30).default(900).describe('Seconds a declared switch may wait for its guards and hand-over; then it fails (the AppRelease turns Degraded), the live colour keeps serving, and it never completes later by itself: change the release or request a retry.'),
    droppedHandlers: z.array(z.string().min(1)).default([]).describe('Command and query names the new version no longer handles: the hand-over does not wait for the new colour to subscribe them.'),
  }).prefault({}).describe('How the rollout controller switches the live colour: guards and hand-over.'),
  autoPromote: z.strictObject({
    standBySeconds: seconds(0).default(3600).describe('Seconds the old colour stands by after the switch (the window for an instant rollback); then it is scaled to zero and cleaned up.'),
  }).optional().describe('One pull request per release: declare the new colour INITIALISING next to the SERVING one, and the rollout controller promotes it as soon as it is caught up, lets the old colour stand by, then cleans it up and makes it OBSOLETE (database dropped and verified). Git keeps what you declared; the AppRelease shows where the walk is.'),
  adopt: z.enum(COLORS).optional().describe('Moving from rolling to blueGreen: the colour that takes over the rolling app\'s processor names (no suffix) and database (no colour), so nothing replays. Keep it while that colour runs.'),
  cleanup: z.strictObject({
    ttlSecondsAfterFinished: seconds(0).default(86400).describe('Seconds a finished cleanup Job is kept (for its logs).'),
    backoffLimit: z.int().min(0).default(2).describe('Retries of a failed cleanup.'),
    activeDeadlineSeconds: seconds(1).default(3600).describe('Upper bound on the cleanup\'s run time: a Job that cannot start (e.g. a missing image) fails instead of holding the Argo CD sync open.'),
  }).prefault({}).describe('The Job run for a CLEANING_UP colour.'),
  ...podRollout,
});

const rollingSchema = z.strictObject({
  strategy: z.literal('rolling').describe('One Deployment updated in place, for apps that need no replay.'),
  version: version(),
  digest: digest().optional(),
  adopt: z.enum(COLORS).optional().describe('Moving from blueGreen back to rolling: the colour whose processor names (its suffix) and database the rolling Deployment continues with, so nothing replays.'),
  ...podRollout,
});

const probePath = (path: string) => z.string().regex(/^\//, { error: 'expected an HTTP path starting with /' }).default(path).describe('HTTP path probed on the management port.');

const appProbeDefaults = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

const exposeSchema = z.strictObject({
  host: hostName().describe('Host name of the live Service.'),
  path: z.string().regex(/^\/[^\s]*$/, { error: 'expected an HTTP path starting with /' }).default('/').describe('Path prefix routed to the app.'),
  previewHost: hostName().optional().describe('Host name of the preview Service (the INITIALISING or STANDING_BY colour), for testing a colour before it goes live.'),
  ingress: z.strictObject({
    className: objectName().optional().describe('IngressClass. @default - the cluster\'s default'),
    annotations: ingressAnnotations('Annotations of the Ingress controller.'),
    tls: z.strictObject({
      secretName: objectName().optional().describe('Secret with the certificate (kubernetes.io/tls). @default - <app>-tls'),
      issuer: issuerRefSchema('A cert-manager issuer: a Certificate for host (and previewHost) writes the Secret. Without it, the Secret must exist.').optional(),
    }).optional().describe('TLS at the Ingress.'),
  }).optional().describe('Expose through Ingresses (networking.k8s.io/v1): <app> and, with previewHost, <app>-preview.'),
  httpRoute: z.strictObject({
    parentRefs: parentRefsSchema('Gateways the routes attach to (TLS is the Gateway listener\'s).'),
  }).optional().describe('Expose through Gateway API HTTPRoutes: <app> and, with previewHost, <app>-preview.'),
}).describe('Exposure outside the cluster: the live Service on host, the preview Service on previewHost. A promotion stays a selector change: the routes name the Services, never a colour.');

const autoscalingSchema = z.strictObject({
  minReplicas: z.int().min(1).describe('Replicas of the SERVING colour (or the rolling app) at least.'),
  maxReplicas: z.int().min(1).describe('Replicas at most.'),
  cpuUtilization: z.int().min(1).max(1000).optional().describe('Target average CPU use, in percent of the request. @default - 70 when no target is given'),
  memoryUtilization: z.int().min(1).max(1000).optional().describe('Target average memory use, in percent of the request.'),
  initialisingMinReplicas: z.int().min(1).optional().describe('Floor of an INITIALISING colour (the one a promotion makes SERVING: keep it able to take the traffic). @default - minReplicas'),
}).describe('HorizontalPodAutoscalers (autoscaling/v2), one per running colour: SERVING between minReplicas and maxReplicas, INITIALISING from initialisingMinReplicas, STANDING_BY from release.standbyReplicas. The Deployments then carry no replicas.');

const extraVolumeSchema = z.strictObject({
  name: name(63, 'volume names are DNS labels').describe('Volume name (not one axon-deploy uses: tmp, release, axonserver-ca).'),
  mountPath: z.string().regex(/^\/[^\s]*$/, { error: 'expected an absolute path' }).describe('Where the app container sees it.'),
  readOnly: z.boolean().default(true).describe('Mounted read-only.'),
  configMap: objectName().optional().describe('From a ConfigMap.'),
  secret: objectName().optional().describe('From a Secret (every key a file).'),
  emptyDir: z.strictObject({ sizeLimit: quantity('storage').default('1Gi').describe('Size limit.') }).optional().describe('Scratch space, emptied with the pod.'),
  persistentVolumeClaim: objectName().optional().describe('An existing PersistentVolumeClaim.'),
}).describe('A volume from exactly one of configMap, secret, emptyDir, persistentVolumeClaim.');

const extraContainerSchema = z.strictObject({
  name: name(63, 'container names are DNS labels').describe('Container name.'),
  image: checked(z.string(), (v) => (parseImageReference(v) ? undefined : 'expected an image reference like busybox:1.36 or …@sha256:…')).describe('Image, with a tag or digest.'),
  command: z.array(z.string()).optional().describe('Replaces the image\'s entrypoint.'),
  args: z.array(z.string()).optional().describe('Arguments.'),
  env: recordOf(z.union([
    z.string(),
    z.strictObject({ secretName: secretName('the value'), key: z.string().min(1).describe('Key of the value in the Secret.') }),
  ], { error: 'expected a string or { secretName, key }' }), (k) => (ENV_NAME.test(k) ? undefined : 'expected an environment variable name')).default({}).describe('Environment variables.'),
  ports: z.array(z.strictObject({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, { error: 'expected a port name of at most 15 lowercase letters, digits and "-"' }), containerPort: z.int().min(1).max(65535) })).default([]).describe('Ports.'),
  mounts: z.array(z.strictObject({
    volume: z.string().min(1).describe('A volume of `volumes`, or tmp.'),
    mountPath: z.string().regex(/^\/[^\s]*$/, { error: 'expected an absolute path' }).describe('Where the container sees it.'),
    readOnly: z.boolean().default(true).describe('Mounted read-only.'),
  })).default([]).describe('Volumes this container mounts (/tmp is always writable).'),
  resources: resources({ cpu: '50m', memory: '64Mi' }).describe('Requests and limits.'),
}).describe('An extra container, under the same restricted security context and user as the app.');

export const appSchema = z.strictObject({
  name: name(55, 'the preview Service adds "-preview" to a 63-character name')
    .describe('App name: the Deployments (<name>-blue, <name>-green or <name>), the live Service <name> and preview Service <name>-preview.'),
  image: checked(z.string(), (v) => {
    const ref = parseImageReference(v);
    if (!ref) return 'expected an image repository like registry.example.com/orders/order-service';
    if (ref.tag || ref.digest) return { message: 'expected an image repository without tag or digest', hint: 'the tag comes from the release version' };
    return undefined;
  }).describe('Image repository; the tag is the release version.'),
  port: z.int().min(1).max(65535).default(8080).describe('HTTP port of the app (container port `http`, Service port 80).'),
  managementPort: z.int().min(1).max(65535).optional().describe('Port of the actuator endpoints, if not the HTTP port. @default - port'),
  replicas: z.int().min(1).default(2).describe('Replicas of the live version (without autoscaling).'),
  context: checked(z.string(), (v) => (AXON_NAME.test(v) ? undefined : 'expected a context name')).default('default').describe('Axon Server context the app connects to.'),
  tokenSecret: secretName('the app\'s Axon Server token (required when access control is on)').optional(),
  tokenSecretKey: z.string().default('token').describe('Key of the token in tokenSecret.'),
  axonServerRoles: z.array(z.enum(APPLICATION_ROLES)).min(1).default(['USE_CONTEXT'])
    .describe('Roles of the app in its context, registered with its token (axonServer.registration).'),
  metricsPath: z.string().regex(/^\//, { error: 'expected an HTTP path starting with /' }).default('/actuator/prometheus')
    .describe('Path Prometheus scrapes on the management port (monitoring.apps).'),
  release: z.discriminatedUnion('strategy', [blueGreenSchema, rollingSchema], { error: 'expected release.strategy blueGreen or rolling' })
    .describe('How new versions are released: `blueGreen` (colours with phases) or `rolling`.'),
  readModel: z.strictObject({
    jdbcUrl: checked(z.string(), (v) => (/^jdbc:[a-z0-9]+:\/\/[^/?]+\/?(\?.*)?$/.test(v) ? undefined : { message: 'expected a JDBC URL without database, like jdbc:postgresql://orders-db:5432', hint: 'the database name comes from `database` and the colour' }))
      .describe('JDBC URL of the database server, without database name.'),
    database: checked(z.string(), (v) => (/^[a-z_][a-z0-9_]{0,50}$/.test(v) ? undefined : 'expected a database name of lowercase letters, digits and "_" (at most 51, leaving room for the colour)'))
      .describe('Base name of the read-model database; each colour uses <database>_<colour>.'),
    credentialsSecret: secretName('the database username and password'),
    maintenanceDatabase: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'expected a database name' }).default('postgres')
      .describe('Database the database Jobs connect to when they create and drop the colours\' databases (a database cannot be dropped over a connection to itself).'),
    usernameKey: z.string().default('username').describe('Key of the username in credentialsSecret.'),
    passwordKey: z.string().default('password').describe('Key of the password in credentialsSecret.'),
    manage: z.boolean().default(true).describe('Create each colour\'s database before its Deployment and drop it at CLEANING_UP, with Jobs (PostgreSQL: jdbc:postgresql: URLs). Set false to create and drop them yourself.'),
    adminCredentialsSecret: secretName('a database user that may create and drop the colours\' databases (same keys); the databases are then owned by the app\'s user').optional()
      .describe('Secret of a database user with CREATEDB, and membership in the app\'s role, that creates and drops the colours\' databases. @default - the app\'s own credentials (its user then needs CREATEDB)'),
  }).optional().describe('Read-model database (SPRING_DATASOURCE_*); with blueGreen each colour gets its own database.'),
  sideEffects: z.strictObject({
    processingGroups: z.array(z.string().min(1)).describe('Processing groups with side effects (e-mails, payments, outgoing calls, sagas that issue commands). Empty: the app declares it has none.'),
    store: z.strictObject({
      jdbcUrl: checked(z.string(), (v) => (/^jdbc:[a-z0-9]+:\/\/[^/?]+\/?(\?.*)?$/.test(v) ? undefined : { message: 'expected a JDBC URL without database, like jdbc:postgresql://orders-db:5432', hint: 'the database comes from `database`' }))
        .describe('JDBC URL of the server holding the shared store, without database name.'),
      database: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a database name of lowercase letters, digits and "_"' }).describe('Database of the shared store (the same for every colour).'),
      credentialsSecret: secretName('the shared store\'s username and password'),
      usernameKey: z.string().default('username').describe('Key of the username in credentialsSecret.'),
      passwordKey: z.string().default('password').describe('Key of the password in credentialsSecret.'),
      schema: z.enum(['jpa', 'jdbc']).default('jpa').describe('Table and column names the app\'s stores use: jpa (Spring Boot\'s JPA entities: token_entry, saga_entry, association_value_entry, dead_letter_entry) or jdbc (Axon\'s JDBC defaults: TokenEntry, SagaEntry, AssociationValueEntry, DeadLetterEntry).'),
    }).optional().describe('The one store every colour shares for the side-effect processing groups: their tokens, their sagas and their dead letters (required when there are any).'),
    seed: z.enum(['copyLive', 'startAtHead']).optional().describe('How the shared store starts when side effects are declared for an app that is already live (or one adopted into blueGreen): copyLive (a Job copies the live processors\' tokens, sagas and dead letters into it before the change rolls out) or startAtHead (the groups begin at the newest event: events before the change get no side effect). Without it such a change is a review blocker: an empty store would replay all history into the side effects.'),
  }).optional().describe(`Side effects across colours: these processing groups keep one (unsuffixed) processor name in every colour, with their tokens, sagas and dead letters in one shared store; the app starts them only in the live colour. Delivery is at least once: handlers must be idempotent (${docRef('sideEffects')}).`),
  env: recordOf(
    z.union([
      z.string(),
      z.strictObject({
        secretName: secretName('the value'),
        key: z.string().min(1).describe('Key of the value in the Secret.'),
      }),
      z.strictObject({
        value: z.string().describe('The literal value.'),
        notSecret: z.string().min(10, { error: 'expected a reason of at least 10 characters: reviewers read it' })
          .describe('Why this value, which looks like a secret, is not one (reviewed in the pull request).'),
      }),
    ], { error: 'expected a string (quote numbers and booleans), { secretName, key } for a value from a Secret, or { value, notSecret } for a literal that only looks like a secret' }),
    (k) => (ENV_NAME.test(k) ? undefined : 'expected an environment variable name (letters, digits, "_", "-", ".", not starting with a digit)'),
  ).default({}).describe('Extra environment variables: a string, or { secretName, key } to take the value from a Secret. Clashing with an injected variable is an error. A literal that looks like a secret (by its name: …SECRET…, …PASSWORD…, …PASS, …PWD, …TOKEN…, …API_KEY…, …PRIVATE_KEY…; or by its value: well-known key formats, long random strings) is refused; { value, notSecret: "<why>" } writes one that only looks like a secret.'),
  podAnnotations: recordOf(z.string(), labelKeyProblem).default({}).describe('Annotations on the pods (e.g. for scraping).'),
  expose: exposeSchema.optional(),
  autoscaling: autoscalingSchema.optional(),
  scheduling: z.strictObject({
    ...placementFields,
    spread: z.strictObject({
      zones: z.enum(['preferred', 'required', 'off']).default('preferred').describe('Spread the pods of a colour over zones (topology.kubernetes.io/zone): preferred (ScheduleAnyway), required (DoNotSchedule) or off.'),
      hosts: z.enum(['preferred', 'required', 'off']).default('preferred').describe('Spread them over hosts (kubernetes.io/hostname) likewise.'),
    }).prefault({}).describe('topologySpreadConstraints of each colour\'s pods (per ReplicaSet revision, with matchLabelKeys pod-template-hash).'),
  }).prefault({}).describe('Where the app\'s pods run.'),
  envFrom: z.array(z.union([
    z.strictObject({ configMap: objectName().describe('ConfigMap whose keys become variables.'), prefix: z.string().optional().describe('Prefix of each variable name.') }),
    z.strictObject({ secret: objectName().describe('Secret whose keys become variables.'), prefix: z.string().optional().describe('Prefix of each variable name.') }),
  ], { error: 'expected { configMap: <name> } or { secret: <name> }' })).default([])
    .describe('Variables from every key of ConfigMaps and Secrets (after the injected ones and env, which win on a clash).'),
  volumes: z.array(extraVolumeSchema).default([]).describe('Extra volumes, mounted into the app container (and into init containers and sidecars that name them).'),
  initContainers: z.array(extraContainerSchema).default([]).describe('Containers run to completion before the app starts, in order (restricted like the app).'),
  sidecars: z.array(extraContainerSchema).default([]).describe('Containers running beside the app (restricted like the app).'),
  imagePullSecrets: z.array(objectName()).default([]).describe('Secrets for pulling the app image from a private registry.'),
  runAsUser: z.int().min(1).default(1001).describe('User id the app runs as (never root; set it to the image\'s user).'),
  runAsGroup: z.int().min(1).default(1001).describe('Group id the app runs as.'),
  resources: resources({ cpu: '500m', memory: '1Gi' }).describe('Requests and limits of each pod.'),
  probes: z.strictObject({
    startup: probeTuning(appProbeDefaults.startup).extend({ path: probePath('/actuator/health/liveness') }).prefault({})
      .describe('Startup probe; default budget 5 minutes.'),
    liveness: probeTuning(appProbeDefaults.liveness).extend({ path: probePath('/actuator/health/liveness') }).prefault({})
      .describe('Liveness probe (Spring Boot liveness group).'),
    readiness: readinessTuning(appProbeDefaults.readiness).extend({ path: probePath('/actuator/health/readiness') }).prefault({})
      .describe('Readiness probe (Spring Boot readiness group). Must not wait for a replay to finish.'),
  }).prefault({}).describe('Probes; each field can be set on its own.'),
  preStopSleepSeconds: seconds(0).default(10).describe('Seconds a stopping pod keeps serving while Services stop routing to it (runs `sleep`; 0 disables).'),
  terminationGracePeriodSeconds: seconds(1).default(45).describe('Seconds from the start of shutdown to SIGKILL; must leave at least 10 s after preStopSleepSeconds for in-flight requests.'),
});

// ---------------------------------------------------------------------------------------------
// Argo CD

export const argoCdSchema = z.strictObject({
  name: name(51, 'the Applications are <name>-axon-server and <name>-apps').optional()
    .describe('Base name of the environment\'s two Applications (<name>-axon-server, <name>-apps) and of its AppProject. @default - the namespace'),
  namespace: name(63, 'namespace names are DNS labels').default('argocd').describe('Namespace of the Application and AppProject objects (where Argo CD runs).'),
  project: name(63, 'AppProject names are DNS labels').optional()
    .describe('Argo CD project of the Applications. @default - the base name (an AppProject axon-deploy renders)'),
  createProject: z.boolean().default(true)
    .describe('Render the AppProject with least privilege: this repository, this destination and namespace, only the kinds the environment emits (cluster-scoped ones by name). Set false to use an existing project (e.g. default).'),
  repoURL: z.string().min(1).describe('Git repository holding dist/.'),
  targetRevision: z.string().min(1).default('HEAD').describe('Branch, tag or commit Argo CD syncs.'),
  path: z.string().min(1).optional().describe('Directory of the environment\'s manifests in the repository; the Applications sync its axon-server/ and apps/ subdirectories. @default - dist/<environment>'),
  destination: z.strictObject({
    server: z.url({ error: 'expected the API server URL, e.g. https://kubernetes.default.svc' }).optional().describe('API server URL of the target cluster.'),
    name: z.string().min(1).optional().describe('Cluster name as registered in Argo CD (instead of server).'),
  }).default({}).describe('Target cluster; the namespace is the environment\'s. @default - server https://kubernetes.default.svc'),
  syncPolicy: z.strictObject({
    automated: z.strictObject({
      enabled: z.boolean().default(true).describe('Sync automatically on every change in Git.'),
      prune: z.boolean().default(true).describe('Delete objects that left dist/ (never StatefulSets or StorageClasses: they are protected).'),
      selfHeal: z.boolean().default(true).describe('Undo changes made in the cluster by hand.'),
    }).prefault({}).describe('Automated sync.'),
    retry: z.strictObject({
      limit: z.int().min(0).default(5).describe('Retries of a failed sync (0: none).'),
      backoffDuration: z.string().regex(/^\d+[smh]$/, { error: 'expected a duration like 10s or 2m' }).default('10s').describe('First retry delay.'),
      backoffFactor: z.int().min(1).default(2).describe('Factor applied to the delay after each retry.'),
      backoffMaxDuration: z.string().regex(/^\d+[smh]$/, { error: 'expected a duration like 10s or 2m' }).default('3m').describe('Longest retry delay.'),
    }).prefault({}).describe('Retry policy.'),
  }).prefault({}).describe('Sync policy of both Applications; PruneLast=true is always set, CreateNamespace=true on the Axon Server Application.'),
  enforcePodSecurity: z.boolean().default(false).describe('Label the namespace to enforce the Pod Security Standards "restricted" profile (pod-security.kubernetes.io/enforce). Off by default: the namespace may hold workloads axon-deploy does not render (e.g. the read-model database); warn and audit labels are always set.'),
});

// ---------------------------------------------------------------------------------------------
// Monitoring

export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Render Prometheus Operator PodMonitors: Axon Server\'s /actuator/prometheus on every node and, with `apps`, each app\'s metricsPath.'),
  labels: labels().default({}).describe('Labels on the PodMonitors, for the Prometheus podMonitorSelector (e.g. release: kube-prometheus-stack).'),
  interval: duration('30s').default('30s').describe('Scrape interval.'),
  scrapers: z.array(peerSchema).default([]).describe('The Prometheus pods: the NetworkPolicy lets them reach 8024 of the nodes.'),
  apps: z.boolean().default(true).describe('A PodMonitor per app too.'),
}).describe('Metrics (Prometheus Operator).');

// ---------------------------------------------------------------------------------------------
// Jobs

/**
 * The Node.js image of axon-deploy's Jobs and controller, pinned by digest: the multi-arch index
 * of gcr.io/distroless/nodejs24-debian12:nonroot as public Dockerfiles pin it (late 2026). Bump
 * it deliberately (a new digest is a new revision of every Job and of the controller).
 */
export const DEFAULT_GATE_IMAGE =
  'gcr.io/distroless/nodejs24-debian12:nonroot@sha256:14d42e2511532589a7c7e01a753667a74fcc96266e137e8125006b87b0c32d0a';
export const DEFAULT_POSTGRES_IMAGE = 'postgres:17-alpine';

const jobImage = (example: string) => checked(z.string(), (v) => {
  const ref = parseImageReference(v);
  if (!ref) return `expected an image reference like ${example}`;
  if (!ref.tag && !ref.digest) return 'expected an image with a tag or digest';
  return undefined;
});

export const jobsSchema = z.strictObject({
  gateImage: jobImage(DEFAULT_GATE_IMAGE).default(DEFAULT_GATE_IMAGE)
    .describe('Image of the Jobs that run Node.js scripts (backups, the restore of a configuration database): any image whose entrypoint runs `node <file>` (Node.js 18 or later; Node.js 20 is past its end of life). Pin it by digest in production.'),
  gateRunAsUser: z.int().min(1).default(65532).describe('User (and group) id of the Node.js Jobs (backups, restores); 65532 is the distroless nonroot user.'),
  postgresImage: jobImage(DEFAULT_POSTGRES_IMAGE).default(DEFAULT_POSTGRES_IMAGE)
    .describe('Image with psql for the read-model database Jobs (create a colour\'s database, drop it at cleanup). Pin it by digest in production.'),
  postgresRunAsUser: z.int().min(1).default(70).describe('User (and group) id of the database Jobs; 70 is the postgres user of the Alpine images.'),
  imagePullSecrets: z.array(objectName()).default([]).describe('Secrets for pulling the Job images.'),
}).describe('The Jobs axon-deploy runs: backups and restores (Node.js scripts), and the database Jobs (psql).');

export type JobsConfig = z.output<typeof jobsSchema>;

// ---------------------------------------------------------------------------------------------
// The rollout controller

export const controllerSchema = z.strictObject({
  image: jobImage(DEFAULT_GATE_IMAGE).default(DEFAULT_GATE_IMAGE)
    .describe('Image that runs the rollout controller: any image whose entrypoint runs `node <file>` (Node.js 20 or later). Its code is axon-deploy\'s own, from a ConfigMap named after its content (the bundle this version of axon-deploy ships). @default - the pinned distroless Node.js 24 image'),
  runAsUser: z.int().min(1).default(65532).describe('User (and group) id of the controller; 65532 is the distroless nonroot user.'),
  pollSeconds: z.number().min(0.1).max(60).default(5).describe('Seconds between two passes of the controller (it reads the cluster each time: a missed change is seen on the next pass).'),
  resources: resources({ cpu: '20m', memory: '128Mi' }).describe('Requests and limits of the controller (it peaks near 60 MiB in the 5-node rehearsal: BENCHMARKS.md).'),
}).describe('The rollout controller of the environment: restarts Axon Server nodes one at a time when the cluster can afford it, registers apps and users, and reports on its NodeRollout (Argo CD shows it).');

export type ControllerConfig = z.output<typeof controllerSchema>;

// ---------------------------------------------------------------------------------------------
// Environment

export const environmentSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema for editors (ignored).'),
  extends: z.string().optional().describe('A base file in the same directory (name starting with "_") that this file is merged over: maps merge, lists replace.'),
  environment: name(40, 'it names dist/<environment> and Argo CD objects').describe('Environment name; must match the file name (prod for config/prod.yaml).'),
  namespace: name(63, 'namespace names are DNS labels').describe('Namespace of all namespaced objects.'),
  partOf: checked(z.string(), labelValueProblem).optional().describe('Value of the app.kubernetes.io/part-of label. @default - the namespace'),
  labels: labels().default({}).describe('Extra labels on every object and pod (never in selectors or volume claim templates, which are immutable).'),
  axonServer: axonServerSchema.describe('The Axon Server cluster (or standalone node).'),
  apps: z.array(appSchema).default([]).describe('Axon Framework apps and their releases.'),
  extraManifests: z.string().min(1).optional().describe('A directory of your own manifests for this environment, relative to this file (e.g. `extra/prod`): every `*.yaml` in it (one or more objects each) goes into the apps part of dist/<environment>/ — its kustomization, the apps Application, the AppProject\'s kinds and the review. Objects get the environment\'s namespace; a Secret or a Namespace is refused, and so is a name axon-deploy renders.'),
  patches: z.array(z.strictObject({
    target: z.strictObject({
      kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, { error: 'expected a kind like Deployment' }).describe('Kind of the object.'),
      name: objectName().describe('Name of the object.'),
    }).describe('The object in dist/<environment>/ to patch.'),
    patch: z.array(z.discriminatedUnion('op', [
      z.strictObject({ op: z.literal('add'), path: jsonPointer(), value: z.unknown() }),
      z.strictObject({ op: z.literal('replace'), path: jsonPointer(), value: z.unknown() }),
      z.strictObject({ op: z.literal('test'), path: jsonPointer(), value: z.unknown() }),
      z.strictObject({ op: z.literal('remove'), path: jsonPointer() }),
      z.strictObject({ op: z.literal('move'), from: jsonPointer(), path: jsonPointer() }),
      z.strictObject({ op: z.literal('copy'), from: jsonPointer(), path: jsonPointer() }),
    ], { error: 'expected a JSON patch operation: op add, remove, replace, move, copy or test' })).min(1).describe('RFC 6902 operations, applied in order.'),
    why: z.string().min(10, { error: 'expected a reason of at least 10 characters: reviewers read it' }).describe('Why the field is needed (shown in reviews): patches are for what the config cannot say yet.'),
  })).default([]).describe('JSON patches (RFC 6902) of rendered objects: the escape hatch for a field axon-deploy does not offer. Every patched object still passes validate and the strict server-side dry-run.'),
  monitoring: monitoringSchema.prefault({}),
  jobs: jobsSchema.prefault({}),
  controller: controllerSchema.prefault({}),
  argocd: argoCdSchema.optional().describe('Argo CD Applications (the Axon Server cluster and the apps, synced independently) and AppProject of this environment, written to dist/argocd/<environment>.yaml.'),
});

export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type AxonServerConfig = EnvironmentConfig['axonServer'];
export type NodeConfig = AxonServerConfig['nodes'][number];
export type AppConfig = EnvironmentConfig['apps'][number];
export type ArgoCdConfig = NonNullable<EnvironmentConfig['argocd']>;
export type MonitoringConfig = EnvironmentConfig['monitoring'];

export type AffinityConfig = z.output<typeof affinitySchema>;
