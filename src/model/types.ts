/**
 * The model: every decision about what to deploy, made once, as plain data.
 *
 * Built from a validated configuration by pure functions (`buildEnvironment`). Names, labels,
 * selectors, ports, user ids, mounts, environment variables, sync waves and checks live here;
 * the constructs only translate the model into Kubernetes objects.
 */
import type { AffinityConfig, JobsConfig, VolumeName } from '../config/schema';
import type { API, APP_RELEASE_KIND, AppReleaseSpec, RegistrationSpec, ReleaseColorSpec } from '../controller/api';
import type { ControllerModel } from './controller';
import type { ConfigPath, Severity } from '../config/diagnostics';
import type { Color, Phase } from '../domain/phases';
import type { Role } from '../domain/roles';

export type Labels = Readonly<Record<string, string>>;

/** A problem found while building the model; the loader attaches the file position. */
export interface ModelIssue {
  readonly severity: Severity;
  readonly path: ConfigPath;
  readonly message: string;
}

export interface SecretRef {
  readonly name: string;
  readonly key: string;
}

export type EnvVar =
  { readonly name: string; readonly value: string } | { readonly name: string; readonly secret: SecretRef };

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

export interface HttpProbe {
  readonly path: string;
  /** Name of the container port. */
  readonly port: string;
  readonly scheme: 'HTTP' | 'HTTPS';
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface Probes {
  readonly startup: HttpProbe;
  readonly liveness: HttpProbe;
  readonly readiness: HttpProbe;
}

/** An Argo CD resource hook: the object runs in a sync phase instead of being kept in sync. */
export interface HookModel {
  readonly phase: 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
  /** `argocd.argoproj.io/hook-delete-policy`, e.g. `BeforeHookCreation`. */
  readonly deletePolicy: string;
}

/** Metadata every object gets: its name, labels, and annotations (sync wave, protection, hook). */
export interface ObjectMeta {
  readonly name: string;
  readonly labels: Labels;
  /** Argo CD sync wave (for a hook: its order among the hooks and waves of its phase). */
  readonly wave: number;
  /** Owns persistent data: Argo CD must never prune or delete it. */
  readonly protected?: boolean;
  /** A revision (content-named): when it leaves dist/, prune it only after the sync is done. */
  readonly pruneLast?: boolean;
  readonly hook?: HookModel;
}

// ---------------------------------------------------------------------------------------------
// Pods

export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
}

/** A volume of a pod (volume claim templates are declared on the StatefulSet instead). */
export type PodVolume =
  | { readonly kind: 'emptyDir'; readonly name: string; readonly sizeLimit: string }
  | {
      readonly kind: 'configMap';
      readonly name: string;
      readonly configMap: string;
      readonly defaultMode?: number;
      /** The pod starts without it; the files appear when the ConfigMap does. */
      readonly optional?: boolean;
      /** Key -> file name; all keys when absent. */
      readonly items?: readonly { readonly key: string; readonly path: string }[];
    }
  | {
      readonly kind: 'secret';
      readonly name: string;
      readonly secretName: string;
      /** Key -> file name; all keys when absent. */
      readonly items?: readonly { readonly key: string; readonly path: string }[];
      readonly defaultMode: number;
    }
  | {
      readonly kind: 'persistentVolumeClaim';
      readonly name: string;
      readonly claimName: string;
      readonly readOnly: boolean;
    };

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

export interface ContainerModel {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /** Replaces the image's entrypoint. */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports: readonly ContainerPort[];
  readonly env: readonly EnvVar[];
  /** Variables from every key of ConfigMaps and Secrets. */
  readonly envFrom?: readonly {
    readonly kind: 'configMap' | 'secret';
    readonly name: string;
    readonly prefix?: string;
  }[];
  readonly resources: Resources;
  readonly probes?: Probes;
  readonly mounts: readonly VolumeMount[];
  /** Seconds the container keeps running after it is told to stop (a `sleep` pre-stop hook); 0: none. */
  readonly preStopSleepSeconds?: number;
}

export interface Toleration {
  readonly key?: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

/** Where a pod may run. */
export interface SchedulingModel {
  readonly nodeSelector: Labels;
  readonly tolerations: readonly Toleration[];
  readonly priorityClassName?: string;
  /** A zone the pod must run in. */
  readonly zone?: string;
  /** Pods this pod keeps away from, per host. */
  readonly antiAffinity?: { readonly selector: Labels; readonly required: boolean };
  /** The user's affinity, combined with the zone and the anti-affinity above. */
  readonly affinity?: AffinityConfig;
  /** Spread of the pods matching `selector` over zones and hosts (per ReplicaSet revision). */
  readonly spread?: {
    readonly selector: Labels;
    readonly zones: 'preferred' | 'required' | 'off';
    readonly hosts: 'preferred' | 'required' | 'off';
  };
}

/** A pod template: identity, security, volumes, containers and scheduling. */
export interface PodModel {
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Non-root user and group; `fsGroup` when the pod writes to persistent volumes. */
  readonly user: { readonly runAsUser: number; readonly runAsGroup: number; readonly fsGroup?: number };
  readonly imagePullSecrets: readonly string[];
  /** A ServiceAccount whose token the pod gets (only pods that call the Kubernetes API); absent: no token. */
  readonly serviceAccount?: string;
  readonly terminationGracePeriodSeconds?: number;
  readonly restartPolicy?: 'Always' | 'Never' | 'OnFailure';
  readonly volumes: readonly PodVolume[];
  /** Run one after the other, each to completion, before the containers. */
  readonly initContainers?: readonly ContainerModel[];
  readonly containers: readonly ContainerModel[];
  readonly scheduling?: SchedulingModel;
  /** Scheduling gates: the pod is not scheduled until someone removes them (the rollout controller). */
  readonly schedulingGates?: readonly string[];
  /** Condition types that must be True, besides the containers, for the pod to be Ready. */
  readonly readinessGates?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Services and budgets

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: string;
}

export interface ServiceModel {
  readonly meta: ObjectMeta;
  readonly selector: Labels;
  readonly ports: readonly ServicePort[];
  readonly headless?: boolean;
  readonly publishNotReadyAddresses?: boolean;
  readonly sessionAffinity?: 'ClientIP';
}

export interface PodDisruptionBudgetModel {
  readonly meta: ObjectMeta;
  readonly selector: Labels;
  readonly maxUnavailable: number;
}

// ---------------------------------------------------------------------------------------------
// Axon Server

export interface ClaimModel {
  readonly name: VolumeName;
  readonly size: string;
  readonly storageClass?: string;
  /** Stable labels only: claim templates are immutable. */
  readonly labels: Labels;
}

export interface NodeRole {
  readonly group: string;
  readonly role: Role;
}

export interface AxonServerNodeModel {
  readonly name: string;
  /** Fully qualified internal name: `<node>.<namespace>.svc.cluster.local`. */
  readonly fqdn: string;
  readonly zone?: string;
  /** Node tags including `zone`, sorted by key. */
  readonly tags: readonly (readonly [string, string])[];
  readonly roles: readonly NodeRole[];
  /** PRIMARY or ACTIVE_BACKUP in some replication group. */
  readonly voter: boolean;
  /** PRIMARY or MESSAGING_ONLY in some replication group other than _admin. */
  readonly servesClients: boolean;
  readonly statefulSet: ObjectMeta;
  /** Stable labels selecting this node's pod; never changes for a node. */
  readonly selector: Labels;
  /** One PersistentVolumeClaim template per volume. */
  readonly claims: readonly ClaimModel[];
  readonly pod: PodModel;
  /** The headless Service that gives the node its DNS name. */
  readonly service: ServiceModel;
}

export interface ReplicationGroupModel {
  readonly name: string;
  readonly contexts: readonly string[];
  /** In node order. */
  readonly roles: readonly { readonly node: string; readonly role: Role }[];
  /** True when `_admin` was derived rather than declared. */
  readonly derived?: boolean;
}

export interface StorageClassModel {
  readonly meta: ObjectMeta;
  readonly provisioner: string;
  readonly parameters: readonly (readonly [string, string])[];
  readonly mountOptions: readonly string[];
}

export interface ConfigFilesModel {
  readonly meta: ObjectMeta;
  /** File name -> content. */
  readonly files: readonly (readonly [string, string])[];
  /** sha256 of the files; its first 10 hex digits name a revision. */
  readonly checksum?: string;
}

/** Pods allowed in: those with `podLabels` (all when empty) in `namespace` (absent: the policy's own). */
export interface PeerModel {
  readonly namespace?: string;
  readonly podLabels: Labels;
}

export interface NetworkPolicyModel {
  readonly meta: ObjectMeta;
  readonly podSelector: Labels;
  /** Ingress rules: each port may be reached from the rule's peers only. */
  readonly rules: readonly { readonly ports: readonly number[]; readonly from: readonly PeerModel[] }[];
}

/** A cert-manager Certificate. */
export interface CertificateModel {
  readonly meta: ObjectMeta;
  readonly secretName: string;
  /** Labels cert-manager puts on the Secret. */
  readonly secretLabels: Labels;
  readonly dnsNames: readonly string[];
  readonly issuer: { readonly kind: string; readonly name: string; readonly group: string };
  readonly duration: string;
  readonly renewBefore: string;
  readonly algorithm: 'RSA' | 'ECDSA';
  readonly usages: readonly string[];
  /** A PKCS12 keystore.p12 in the Secret too, encrypted with this password. */
  readonly keystorePassword?: SecretRef;
}

/** Where a PEM CA bundle comes from. */
export interface CaBundleRef {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly key: string;
}

/** How clients reach Axon Server: plain, or TLS with a CA bundle to trust. */
export interface AxonServerClientTls {
  readonly ca: CaBundleRef;
  /** Also HTTPS on 8024 (UI, REST API, actuator). */
  readonly http: boolean;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) of one Deployment. */
export interface AutoscalerModel {
  readonly meta: ObjectMeta;
  readonly deployment: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average utilisation targets, in percent of the requests. */
  readonly cpu?: number;
  readonly memory?: number;
}

/** A JSON patch (RFC 6902) of one rendered object, from the config's `patches`. */
export interface PatchModel {
  readonly target: { readonly kind: string; readonly name: string };
  readonly ops: readonly Readonly<Record<string, unknown>>[];
  readonly why: string;
  /** Where it is declared, for errors found when it is applied. */
  readonly index: number;
}

/** A Prometheus Operator PodMonitor. */
export interface PodMonitorModel {
  readonly meta: ObjectMeta;
  readonly selector: Labels;
  readonly port: string;
  readonly path: string;
  readonly interval: string;
  /** HTTPS, trusting this CA, checking this server name. */
  readonly tls?: { readonly ca: CaBundleRef; readonly serverName: string };
}

export interface IngressModel {
  readonly meta: ObjectMeta;
  readonly host: string;
  /** Path prefix. */
  readonly path: string;
  readonly className?: string;
  readonly tlsSecretName?: string;
  readonly annotations: Labels;
  readonly service: { readonly name: string; readonly port: number };
}

export interface HttpRouteModel {
  readonly meta: ObjectMeta;
  readonly parentRefs: readonly { readonly name: string; readonly namespace?: string; readonly sectionName?: string }[];
  readonly hostnames: readonly string[];
  /** Path prefix; absent: every path. */
  readonly path?: string;
  readonly service: { readonly name: string; readonly port: number };
}

export interface RoleModel {
  readonly meta: ObjectMeta;
  readonly rules: readonly {
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
    /** Only these objects (never with create or list, which name no object). */
    readonly resourceNames?: readonly string[];
  }[];
}

export interface CronJobModel {
  readonly meta: ObjectMeta;
  readonly schedule: string;
  readonly timeZone: string;
  readonly job: Omit<JobModel, 'meta'>;
}

/** Scheduled backups: the script, its identity with the rights it needs, the CronJob. */
export interface BackupModel {
  readonly script: ConfigFilesModel;
  readonly serviceAccount: ObjectMeta;
  readonly role: RoleModel;
  readonly roleBinding: ObjectMeta;
  readonly cronJob: CronJobModel;
  /** Per node, the claims snapshotted: `<volume>-<node>-0`. */
  readonly claims: readonly { readonly node: string; readonly volume: string; readonly pvc: string }[];
}

export interface AxonServerModel {
  /** What synth chose because the config did not say (shown in its summary), e.g. a node's log volume. */
  readonly defaults: readonly string[];
  readonly edition: 'standard' | 'enterprise';
  readonly image: string;
  /** The image tag (or digest) for labels and reports. */
  readonly version: string;
  readonly accessControl: boolean;
  /** The system token's Secret (access control on): what admin commands and Jobs send. */
  readonly systemToken?: SecretRef;
  /** The licence Secret (enterprise): the file `AXONIQ_LICENSE` names. */
  readonly license?: SecretRef;
  readonly nodes: readonly AxonServerNodeModel[];
  readonly replicationGroups: readonly ReplicationGroupModel[];
  /** The node that initialises a clean cluster (the cluster template's `first`); standard: the one node. */
  readonly firstNode: string;
  /** axonserver.properties, a revision named by its content, mounted at /axonserver/config. */
  readonly config: ConfigFilesModel;
  /** The cluster template (enterprise), updated in place: it applies only to a clean cluster. */
  readonly clusterTemplate?: ConfigFilesModel;
  readonly clientService: ServiceModel;
  readonly uiService: ServiceModel;
  readonly pdb: PodDisruptionBudgetModel;
  readonly networkPolicy?: NetworkPolicyModel;
  readonly storageClasses: readonly StorageClassModel[];
  /** TLS: how clients (apps, Jobs, Prometheus) reach the nodes; absent: plain. */
  readonly tls?: AxonServerClientTls;
  /** One cert-manager Certificate per node. */
  readonly certificates: readonly CertificateModel[];
  readonly podMonitor?: PodMonitorModel;
  readonly uiIngress?: IngressModel;
  readonly uiRoute?: HttpRouteModel;
  readonly backup?: BackupModel;
  /** What the rollout controller registers: apps, users, its own token (Enterprise, access control). */
  readonly registration?: RegistrationSpec;
}

// ---------------------------------------------------------------------------------------------
// Apps

export interface DeploymentModel {
  readonly meta: ObjectMeta;
  readonly color?: Color;
  readonly phase: Phase;
  readonly version: string;
  /** Absent when a HorizontalPodAutoscaler owns the replica count. */
  readonly replicas?: number;
  /** The replica count it starts from and the autoscaler keeps it at or above. */
  readonly floor: number;
  readonly selector: Labels;
  readonly pod: PodModel;
  readonly maxSurge: number | string;
  readonly minReadySeconds: number;
}

export interface JobModel {
  readonly meta: ObjectMeta;
  readonly pod: PodModel;
  /** Seconds a finished Job is kept; absent: until Argo CD replaces the hook on the next sync. */
  readonly ttlSecondsAfterFinished?: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
}

export interface CleanupJobModel extends JobModel {
  readonly color: Color;
  readonly version: string;
}

/** A colour in an AppRelease: its cleanup Job as a model (the construct renders its spec). */
export type ReleaseColorModel = Omit<ReleaseColorSpec, 'cleanupJob'> & { readonly cleanupJob?: CleanupJobModel };

/** An AppRelease (src/controller/api.ts), as synth renders it. */
export interface AppReleaseModel {
  readonly apiVersion: typeof API;
  readonly kind: typeof APP_RELEASE_KIND;
  readonly meta: ObjectMeta;
  readonly spec: Omit<AppReleaseSpec, 'colors'> & { readonly colors: Readonly<Record<Color, ReleaseColorModel>> };
}

/** A colour as declared, whether or not anything runs for it (for reviews and the topology). */
export interface ColorModel {
  readonly color: Color;
  readonly version: string;
  readonly phase: Phase;
  /** The colour's read-model database. */
  readonly database?: string;
  /** Appended to the names of the processors that build its read model ('' when it adopted the rolling app's). */
  readonly processorSuffix: string;
}

/** What every app model has, whatever its strategy. */
interface AppModelBase {
  readonly name: string;
  readonly context: string;
  /** The Secret with the app's Axon Server token, when it has one. */
  readonly token?: SecretRef;
  /** The app has a read-model database. */
  readonly hasReadModel: boolean;
  /** The declared side-effect processing groups (absent: not declared). */
  readonly sideEffects?: {
    readonly processingGroups: readonly string[];
    /** The shared store of the side-effect groups (tokens, sagas, dead letters). */
    readonly store?: { readonly jdbcUrl: string; readonly database: string };
    /** How the shared store starts for an app that is already live. */
    readonly seed?: 'copyLive' | 'startAtHead';
  };
  /** The Job that seeds the shared side-effect store from the live colour (seed: copyLive), before the sync. */
  readonly seedJob?: JobModel;
  /** The colour that continues across a strategy change (adopted processors and database). */
  readonly adopt?: Color;
  readonly deployments: readonly DeploymentModel[];
  readonly liveService?: ServiceModel;
  readonly pdb?: PodDisruptionBudgetModel;
  /** Jobs that create the databases when missing. */
  readonly databaseJobs: readonly JobModel[];
  /** Scrapes the app's metrics (monitoring.apps). */
  readonly podMonitor?: PodMonitorModel;
  /** One per running colour (or the rolling Deployment) with autoscaling. */
  readonly autoscalers: readonly AutoscalerModel[];
  /** Exposure of the live and the preview Service outside the cluster. */
  readonly exposure: {
    readonly ingresses: readonly IngressModel[];
    readonly routes: readonly HttpRouteModel[];
    readonly certificate?: CertificateModel;
  };
  /** Roles registered for the app's token in its context. */
  readonly axonServerRoles: readonly string[];
}

/** One Deployment updated in place. */
export interface RollingAppModel extends AppModelBase {
  readonly strategy: 'rolling';
  /** The processor suffix and database the Deployment uses (a colour's after a move back from blueGreen). */
  readonly storage: { readonly processorSuffix: string; readonly database?: string };
}

/** Two colours, the rollout controller switching between them. */
export interface BlueGreenAppModel extends AppModelBase {
  readonly strategy: 'blueGreen';
  /** The controller checks the processors before a switch (promotion.processors). */
  readonly processorCheck: boolean;
  readonly colors: readonly ColorModel[];
  /** The colour the live Service selects (as declared; the controller switches it). */
  readonly liveColor?: Color;
  /** The colour the preview Service selects. */
  readonly previewColor?: Color;
  readonly previewService?: ServiceModel;
  /** The release files each colour reads (its phase, whether it is live). */
  readonly releaseConfig: ConfigFilesModel;
  /** What the rollout controller walks (which colour serves, when it may switch). */
  readonly release: AppReleaseModel;
  readonly cleanupJobs: readonly CleanupJobModel[];
}

export type AppModel = RollingAppModel | BlueGreenAppModel;

/** The apps of an environment and what their Jobs share. */
export interface AppsModel {
  readonly apps: readonly AppModel[];
  /** The SQL the database Jobs run. */
  readonly sqlScripts?: ConfigFilesModel;
}

// ---------------------------------------------------------------------------------------------
// Argo CD and the environment

/** One of an environment's two Applications. */
export interface ArgoApplicationModel {
  readonly name: string;
  readonly part: OutputPart;
  /** Directory of its manifests in the repository. */
  readonly path: string;
  /** Wave of the Application object in an app-of-apps: the Axon Server cluster before the apps. */
  readonly wave: number;
  readonly syncOptions: readonly string[];
  /** Namespace labels when this Application creates the namespace. */
  readonly namespaceLabels?: Labels;
  /** Fields the rollout controller owns: Argo CD neither shows them as drift nor reverts them. */
  readonly ignoreDifferences?: readonly OwnedFields[];
}

/** Fields of one object that the rollout controller owns (an Argo CD ignoreDifferences entry). */
export interface OwnedFields {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly jsonPointers: readonly string[];
}

export interface ArgoCdModel {
  /** Where the Application and AppProject objects live. */
  readonly namespace: string;
  readonly labels: Labels;
  readonly project: { readonly name: string; readonly create: boolean; readonly wave: number };
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace: string };
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly retry: {
    readonly limit: number;
    readonly duration: string;
    readonly factor: number;
    readonly maxDuration: string;
  };
  /** The Axon Server Application first, then the apps. */
  readonly applications: readonly ArgoApplicationModel[];
}

/** The parts of an environment's output: each is a directory of dist/<env>/ and one Application. */
export type OutputPart = 'axon-server' | 'apps';

/** A Secret the environment reads and axon-deploy never renders: it must exist before the first sync. */
export interface SecretRequirement {
  readonly name: string;
  /** Keys read from it, sorted. */
  readonly keys: readonly string[];
  /** What reads it, e.g. "Axon Server licence", "order-service token". */
  readonly usedBy: readonly string[];
}

/** One of the team's own manifests: any kind, as written, in the environment's namespace. */
export interface ExtraObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

export interface EnvironmentModel {
  readonly name: string;
  readonly namespace: string;
  readonly axonServer: AxonServerModel;
  readonly apps: readonly AppModel[];
  /** What the apps' Jobs share (scripts), in the apps part. */
  readonly appSupport: Omit<AppsModel, 'apps'>;
  readonly argocd?: ArgoCdModel;
  /** Every Secret the environment references, sorted by name. */
  readonly secrets: readonly SecretRequirement[];
  /** JSON patches of rendered objects, applied in order after synthesis. */
  readonly patches: readonly PatchModel[];
  /** The team's own manifests (`extraManifests`), in the environment's namespace: rendered with the apps. */
  readonly extras: readonly ExtraObject[];
  /** Images and identities of the Jobs axon-deploy runs (also for one-off Jobs such as a restore's). */
  readonly jobs: JobsConfig;
  /** The rollout controller and its NodeRollout (in the Axon Server part). */
  readonly controller: ControllerModel;
}
