/**
 * Label and annotation keys, defined once. Ours live under axon-deploy.io/; the recommended
 * Kubernetes labels under app.kubernetes.io/; Argo CD's under argocd.argoproj.io/.
 *
 * Selectors use only labels that never change for an object (name, instance, colour): selectors
 * and volume claim templates are immutable in a live cluster.
 */

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const MANAGED_BY = 'axon-deploy';

export const LABEL_COLOR = 'axon-deploy.io/color';
export const LABEL_PHASE = 'axon-deploy.io/phase';
export const LABEL_SERVES_CLIENTS = 'axon-deploy.io/serves-clients';
/** On Axon Server pods of `_admin` members: the UI Service selects only them. */
export const LABEL_ADMIN_NODE = 'axon-deploy.io/admin-node';
/** On pods that call Axon Server's HTTP API (gates, registration, backups): the NetworkPolicy admits them to 8024. */
export const LABEL_API_CLIENT = 'axon-deploy.io/axonserver-api';

/** Label prefixes the user's `labels` may not use: they are ours. */
export const RESERVED_LABEL_PREFIXES = ['app.kubernetes.io/', 'axon-deploy.io/'];

/** Where Kubernetes puts a node's zone and host name. */
export const NODE_ZONE_LABEL = 'topology.kubernetes.io/zone';
export const NODE_HOST_LABEL = 'kubernetes.io/hostname';

/** Argo CD's annotations (waves, options, hooks): axon-deploy's alone to set. */
export const ARGOCD_PREFIX = 'argocd.argoproj.io/';
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
export const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
/** Never pruned when it leaves dist/, never deleted with the Application: it owns data. */
export const PROTECTED_SYNC_OPTIONS = 'Prune=false,Delete=false';
/**
 * Pruned only after every wave is healthy: an old configuration revision stays until no pod can
 * still need it. Argo CD reads it from the live object, so it is set from the first apply on.
 */
export const PRUNE_LAST_SYNC_OPTIONS = 'PruneLast=true';

/** On a claim created by `axon-deploy restore`: the backup run it came from (the controller lets a bootstrap node start on it). */
export const RESTORED_FROM_ANNOTATION = 'axon-deploy.io/restored-from';

/** Pod Security admission labels of a namespace. */
export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
export const POD_SECURITY_WARN = 'pod-security.kubernetes.io/warn';
export const POD_SECURITY_AUDIT = 'pod-security.kubernetes.io/audit';
