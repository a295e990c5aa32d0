/**
 * `axonServer`: the nodes, their volumes and groups, TLS, backups, registration, the UI and the
 * actuator, access control, resources and probes.
 */
import { z } from 'zod';
import { AXON_NAME, labelValueProblem, parseImageReference } from '../formats';
import { cronScheduleProblem, timeZoneProblem } from '../cron';
import { ROLES } from '../../domain/roles';
import { docRef } from '../../domain/docs';
import { affinitySchema, checked, duration, hostName, ingressAnnotations, issuerRefSchema, labels, name, objectName, parentRefsSchema, placementFields, probeTuning, quantity, readinessTuning, recordOf, resources, seconds, secretName, tolerationSchema } from './fields';

// ---------------------------------------------------------------------------------------------
// Axon Server

export const VOLUME_NAMES = ['events', 'data', 'log', 'plugins', 'exts'] as const;
export type VolumeName = (typeof VOLUME_NAMES)[number];

export const volume = (what: string) =>
  z.strictObject({
    size: quantity('storage').describe('Requested size, e.g. 500Gi. Can grow later (PVC expansion), never shrink.'),
    storageClass: objectName().optional().describe('StorageClass of the volume: one from `storageClasses`, or one that exists in the cluster. @default - the cluster\'s default StorageClass'),
  }).describe(what);

export const nodeSchema = z.strictObject({
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

export const replicationGroupSchema = z.strictObject({
  name: checked(z.string(), (v) => (AXON_NAME.test(v) ? undefined : 'expected a replication group name of letters, digits, "_", "-" and "."'))
    .describe('Replication group name. `_admin` may be declared to choose its members; otherwise it is derived.'),
  contexts: z.array(checked(z.string(), (v) => (AXON_NAME.test(v) ? undefined : 'expected a context name of letters, digits, "_", "-" and "."')))
    .default([]).describe('Contexts stored by this group.'),
  roles: z.record(z.string(), z.enum(ROLES)).describe('Role of each node in this group, by node name.'),
});

export const storageClassSchema = z.strictObject({
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

export const tlsSchema = z.strictObject({
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

export const backupSchema = z.strictObject({
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

export const roleAt = checked(z.string(), (v) => (/^[A-Z_]+@[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'expected ROLE@context, like ADMIN@_admin or USE_CONTEXT@orders'));

export const registrationSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('With access control (Enterprise): the rollout controller registers every app (its token from tokenSecret, its axonServerRoles in its context) and the users below through the REST API, and again whenever their Secrets or roles change.'),
  users: z.array(z.strictObject({
    userName: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: 'expected a user name of letters, digits, "_", ".", "@" and "-"' }).describe('User name (for the UI and the REST API).'),
    passwordSecret: secretName('the user\'s password'),
    passwordKey: z.string().default('password').describe('Key of the password in passwordSecret.'),
    roles: z.array(roleAt).min(1).describe('Roles as ROLE@context, e.g. ADMIN@_admin, VIEW_CONFIGURATION@_admin, USE_CONTEXT@orders.'),
  })).default([]).describe('UI and REST API users.'),
}).describe('Registration of apps and users in Axon Server (needs access control).');

export const uiSchema = z.strictObject({
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

export const actuatorSchema = z.strictObject({
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
