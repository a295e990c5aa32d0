/**
 * The parts of Kubernetes objects the controller reads and writes, typed as the API serves them
 * (field names from the Kubernetes API reference; everything optional that the server may omit).
 */

export interface Metadata {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

export interface Pod {
  readonly metadata: Metadata;
  readonly spec?: {
    readonly nodeName?: string;
    readonly restartPolicy?: string;
    readonly containers?: readonly { readonly name: string }[];
    readonly schedulingGates?: readonly { readonly name: string }[];
    readonly readinessGates?: readonly { readonly conditionType: string }[];
    readonly volumes?: readonly {
      readonly name: string;
      readonly persistentVolumeClaim?: { readonly claimName: string };
    }[];
  };
  readonly status?: {
    readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    readonly conditions?: readonly Condition[];
    readonly startTime?: string;
    readonly containerStatuses?: readonly {
      readonly name: string;
      readonly ready: boolean;
      readonly restartCount: number;
      readonly state?: { readonly waiting?: { readonly reason?: string }; readonly running?: object };
    }[];
  };
}

export interface StatefulSet {
  readonly metadata: Metadata;
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly currentRevision?: string;
    readonly updateRevision?: string;
    readonly updatedReplicas?: number;
  };
}

export interface Deployment {
  readonly metadata: Metadata;
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly updatedReplicas?: number;
  };
}

export interface PodDisruptionBudget {
  readonly metadata: Metadata;
  readonly spec?: { readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> } };
}

export interface Job {
  readonly metadata: Metadata;
  readonly status?: {
    readonly succeeded?: number;
    readonly failed?: number;
    readonly conditions?: readonly { readonly type: string; readonly status: string }[];
  };
}

export interface HorizontalPodAutoscaler {
  readonly metadata: Metadata;
  readonly spec?: { readonly minReplicas?: number; readonly maxReplicas?: number };
  readonly status?: { readonly currentReplicas?: number; readonly desiredReplicas?: number };
}

export interface Service {
  readonly metadata: Metadata;
  readonly spec?: { readonly selector?: Readonly<Record<string, string>> };
}

export interface ConfigMap {
  readonly metadata: Metadata;
  readonly data?: Readonly<Record<string, string>>;
}

export interface Secret {
  readonly metadata: Metadata;
  readonly data?: Readonly<Record<string, string>>;
}

export interface PersistentVolumeClaim {
  readonly metadata: Metadata;
}

export interface Lease {
  readonly metadata: Metadata;
  readonly spec?: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
    readonly leaseTransitions?: number;
  };
}

/** A Secret's value by key, decoded. */
export function secretValue(secret: Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

export const conditionOf = (pod: Pod, type: string): Condition | undefined =>
  pod.status?.conditions?.find((c) => c.type === type);
