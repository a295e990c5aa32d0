/**
 * The model: every decision about what to deploy, made once, as plain data.
 *
 * Built from a validated configuration by pure functions (`buildEnvironment`). Names, labels,
 * selectors, derived values, environment variables, sync waves and checks live here; the
 * constructs only translate the model into Kubernetes objects.
 */
import type { Color, Phase, Role, VolumeName } from '../config/schema';
import type { ConfigPath, Severity } from '../config/diagnostics';

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
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secret: SecretRef };

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

export interface HttpProbe {
  readonly path: string;
  /** Name of the container port. */
  readonly port: string;
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

/** Metadata every object gets: its name, labels, and annotations (sync wave, protection). */
export interface ObjectMeta {
  readonly name: string;
  readonly labels: Labels;
  /** Argo CD sync wave. */
  readonly wave: number;
  /** Owns persistent data: Argo CD must never prune or delete it. */
  readonly protected?: boolean;
}

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

export interface Toleration {
  readonly key?: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

// ---------------------------------------------------------------------------------------------
// Axon Server

export interface VolumeModel {
  readonly name: VolumeName;
  readonly mountPath: string;
  readonly size: string;
  readonly storageClass?: string;
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
  readonly volumes: readonly VolumeModel[];
  /** Writable emptyDirs where the server writes outside its volumes. */
  readonly scratchDirs: readonly { readonly name: string; readonly mountPath: string }[];
  readonly roles: readonly NodeRole[];
  /** PRIMARY or ACTIVE_BACKUP in some replication group. */
  readonly voter: boolean;
  /** PRIMARY or MESSAGING_ONLY in some replication group other than _admin. */
  readonly servesClients: boolean;
  readonly statefulSet: ObjectMeta;
  /** Labels of the pod template (stable labels plus version and client flag). */
  readonly podLabels: Labels;
  /** Stable labels selecting this node's pod; never changes for a node. */
  readonly selector: Labels;
  /** Labels of the volume claim templates: stable only (they are immutable). */
  readonly volumeLabels: Labels;
  readonly service: ServiceModel;
  readonly env: readonly EnvVar[];
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
  /** File name -> content, mounted at /axonserver/config. */
  readonly files: readonly (readonly [string, string])[];
  /** sha256 of the files; on each pod template so a change rolls the nodes. */
  readonly checksum: string;
}

export interface NetworkPolicyModel {
  readonly meta: ObjectMeta;
  readonly podSelector: Labels;
  /** Ports only the cluster's own nodes may reach. */
  readonly internalPorts: readonly number[];
  /** Ports the namespace itself and `allowedNamespaces` may reach. */
  readonly clientPorts: readonly number[];
  readonly allowedNamespaces: readonly string[];
}

export interface AxonServerModel {
  readonly edition: 'standard' | 'enterprise';
  readonly image: string;
  readonly version: string;
  readonly imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  readonly imagePullSecrets: readonly string[];
  readonly nodes: readonly AxonServerNodeModel[];
  readonly replicationGroups: readonly ReplicationGroupModel[];
  readonly config: ConfigFilesModel;
  readonly clientService: ServiceModel;
  readonly uiService: ServiceModel;
  readonly pdb: PodDisruptionBudgetModel;
  readonly networkPolicy?: NetworkPolicyModel;
  readonly storageClasses: readonly StorageClassModel[];
  readonly license?: SecretRef;
  readonly systemToken?: SecretRef;
  readonly resources: Resources;
  readonly terminationGracePeriodSeconds: number;
  readonly probes: Probes;
  /** Selects every node of the cluster (anti-affinity, PDB, NetworkPolicy). */
  readonly clusterSelector: Labels;
  readonly podAntiAffinity: 'required' | 'preferred';
  readonly nodeSelector: Labels;
  readonly tolerations: readonly Toleration[];
  readonly priorityClassName?: string;
}

// ---------------------------------------------------------------------------------------------
// Apps

export interface WorkloadPod {
  readonly image: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly env: readonly EnvVar[];
  readonly resources: Resources;
  readonly ports: readonly { readonly name: string; readonly containerPort: number }[];
}

export interface DeploymentModel {
  readonly meta: ObjectMeta;
  readonly color?: Color;
  readonly phase: Phase;
  readonly version: string;
  readonly replicas: number;
  readonly selector: Labels;
  readonly pod: WorkloadPod;
  readonly probes: Probes;
  readonly preStopSleepSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  readonly maxSurge: number | string;
  readonly minReadySeconds: number;
}

export interface CleanupJobModel {
  readonly meta: ObjectMeta;
  readonly color: Color;
  readonly version: string;
  readonly pod: WorkloadPod;
  readonly ttlSecondsAfterFinished: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
}

/** A colour as declared, whether or not anything runs for it (for reviews and the topology). */
export interface ColorModel {
  readonly color: Color;
  readonly version: string;
  readonly phase: Phase;
  readonly database?: string;
}

export interface AppModel {
  readonly name: string;
  readonly strategy: 'blueGreen' | 'rolling';
  readonly context: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly imagePullSecrets: readonly string[];
  readonly colors: readonly ColorModel[];
  readonly deployments: readonly DeploymentModel[];
  readonly liveService?: ServiceModel;
  readonly previewService?: ServiceModel;
  readonly pdb?: PodDisruptionBudgetModel;
  readonly cleanupJobs: readonly CleanupJobModel[];
}

// ---------------------------------------------------------------------------------------------
// Argo CD and the environment

export interface ArgoCdModel {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly project: string;
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace: string };
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions: readonly string[];
  readonly retry: { readonly limit: number; readonly duration: string; readonly factor: number; readonly maxDuration: string };
  readonly namespaceLabels: Labels;
}

export interface EnvironmentModel {
  readonly name: string;
  readonly namespace: string;
  readonly axonServer: AxonServerModel;
  readonly apps: readonly AppModel[];
  readonly argocd?: ArgoCdModel;
}
