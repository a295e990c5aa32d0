/**
 * How the environment is run: its Argo CD Applications, monitoring, the Jobs axon-deploy runs and
 * the rollout controller.
 */
import { z } from 'zod';
import { parseImageReference } from '../formats';
import { checked, duration, labels, name, objectName, resources } from './fields';
import { peerSchema } from './axon-server';

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

export const jobImage = (example: string) => checked(z.string(), (v) => {
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
