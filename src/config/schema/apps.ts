/**
 * `apps[]`: image and version, releases (blue/green colours or rolling), exposure, autoscaling,
 * read models, side effects, escape hatches.
 */
import { z } from 'zod';
import { AXON_NAME, ENV_NAME, labelKeyProblem, parseImageReference, versionProblem } from '../formats';
import { COLORS, PHASES } from '../../domain/phases';
import { APPLICATION_ROLES } from '../../domain/roles';
import { docRef } from '../../domain/docs';
import { checked, hostName, ingressAnnotations, issuerRefSchema, name, objectName, parentRefsSchema, placementFields, probeTuning, quantity, readinessTuning, recordOf, resources, seconds, secretName } from './fields';

// ---------------------------------------------------------------------------------------------
// Apps

export const version = () =>
  checked(z.string({ error: (issue) => (issue.input !== undefined ? 'expected a version string' : undefined) }), versionProblem)
    .describe('Version: the image tag, and the app.kubernetes.io/version label. Quote versions that look like numbers ("1.5").');

export const digest = () => z.string().regex(/^sha256:[a-f0-9]{64}$/, { error: 'expected an image digest like sha256:<64 hex digits>' })
  .describe('Pins the image to this digest (<image>:<version>@<digest>): the version stays the tag and label, the digest decides what runs.');

/** Probe overrides of one colour; each field replaces the app's. */
export const probeOverride = z.strictObject({
  initialDelaySeconds: seconds(0).optional().describe('Seconds after the container starts before the first probe.'),
  periodSeconds: seconds(1).optional().describe('Seconds between probes.'),
  timeoutSeconds: seconds(1).optional().describe('Seconds a probe may take.'),
  failureThreshold: seconds(1).optional().describe('Consecutive failures before the probe fails.'),
});

export const colorSchema = z.strictObject({
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
export const podRollout = {
  maxSurge: z.union([z.int().min(1), checked(z.string(), (v) => (/^\d+%$/.test(v) && v !== '0%' ? undefined : 'expected a positive percentage like 25%'))])
    .default(1).describe('Extra pods while a Deployment\'s pods are replaced (maxUnavailable is always 0).'),
  minReadySeconds: seconds(0).default(10).describe('Seconds a new pod must be ready before it counts as available.'),
};

export const blueGreenSchema = z.strictObject({
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

export const rollingSchema = z.strictObject({
  strategy: z.literal('rolling').describe('One Deployment updated in place, for apps that need no replay.'),
  version: version(),
  digest: digest().optional(),
  adopt: z.enum(COLORS).optional().describe('Moving from blueGreen back to rolling: the colour whose processor names (its suffix) and database the rolling Deployment continues with, so nothing replays.'),
  ...podRollout,
});

export const probePath = (path: string) => z.string().regex(/^\//, { error: 'expected an HTTP path starting with /' }).default(path).describe('HTTP path probed on the management port.');

export const appProbeDefaults = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

export const exposeSchema = z.strictObject({
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

export const autoscalingSchema = z.strictObject({
  minReplicas: z.int().min(1).describe('Replicas of the SERVING colour (or the rolling app) at least.'),
  maxReplicas: z.int().min(1).describe('Replicas at most.'),
  cpuUtilization: z.int().min(1).max(1000).optional().describe('Target average CPU use, in percent of the request. @default - 70 when no target is given'),
  memoryUtilization: z.int().min(1).max(1000).optional().describe('Target average memory use, in percent of the request.'),
  initialisingMinReplicas: z.int().min(1).optional().describe('Floor of an INITIALISING colour (the one a promotion makes SERVING: keep it able to take the traffic). @default - minReplicas'),
}).describe('HorizontalPodAutoscalers (autoscaling/v2), one per running colour: SERVING between minReplicas and maxReplicas, INITIALISING from initialisingMinReplicas, STANDING_BY from release.standbyReplicas. The Deployments then carry no replicas.');

export const extraVolumeSchema = z.strictObject({
  name: name(63, 'volume names are DNS labels').describe('Volume name (not one axon-deploy uses: tmp, release, axonserver-ca).'),
  mountPath: z.string().regex(/^\/[^\s]*$/, { error: 'expected an absolute path' }).describe('Where the app container sees it.'),
  readOnly: z.boolean().default(true).describe('Mounted read-only.'),
  configMap: objectName().optional().describe('From a ConfigMap.'),
  secret: objectName().optional().describe('From a Secret (every key a file).'),
  emptyDir: z.strictObject({ sizeLimit: quantity('storage').default('1Gi').describe('Size limit.') }).optional().describe('Scratch space, emptied with the pod.'),
  persistentVolumeClaim: objectName().optional().describe('An existing PersistentVolumeClaim.'),
}).describe('A volume from exactly one of configMap, secret, emptyDir, persistentVolumeClaim.');

export const extraContainerSchema = z.strictObject({
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
