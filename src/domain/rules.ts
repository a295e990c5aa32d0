/**
 * The review's rules, defined once: every id `--allow` accepts, whether the rule can block a
 * change, and whether a blocker may be acknowledged at all. The review emits findings only with
 * ids from this list; the CLI refuses unknown ids.
 */

export interface RuleInfo {
  /** One line for `axon-deploy review --help` and the README. */
  readonly summary: string;
  /** Findings of this rule can be blockers (exit status 1 unless acknowledged). */
  readonly blocks: boolean;
  /** A blocker of this rule cannot be acknowledged: the change must be fixed. */
  readonly final?: boolean;
}

export const REVIEW_RULES = {
  'config-invalid': { summary: 'the config does not build (errors in config/)', blocks: true, final: true },
  'stale-dist': {
    summary: 'dist/ is not what config/ produces: run axon-deploy synth and commit',
    blocks: true,
    final: true,
  },
  'environment-moved': { summary: 'an environment moved to another namespace or Argo CD destination', blocks: true },
  'environment-removed': { summary: 'an environment removed: what keeps running and how to remove it', blocks: false },
  'application-changed': {
    summary: 'an Argo CD Application changed how it syncs (source, project, policy)',
    blocks: false,
  },
  'immutable-field': {
    summary: 'a field a live cluster refuses to change (selectors, claim templates, StorageClass parameters, …)',
    blocks: true,
  },
  'volume-resize': { summary: 'a volume grown in a claim template (needs the PVC-expansion procedure)', blocks: true },
  'volume-shrink': { summary: 'a volume shrunk (Kubernetes cannot)', blocks: true },
  'statefulset-removed': {
    summary: 'an Axon Server node removed, with every step of its removal in order',
    blocks: true,
  },
  'storageclass-removed': { summary: 'a StorageClass removed', blocks: true },
  'axon-image-change': { summary: 'the Axon Server image changes, with the order in which nodes roll', blocks: false },
  'phase-transition': { summary: 'a colour move outside the phase life cycle', blocks: true },
  'serving-removed': { summary: 'an app left without a SERVING colour, or a live app removed', blocks: true },
  'version-change-in-place': { summary: 'the version of a running colour changed in place', blocks: true },
  'cleanup-drops-database': { summary: "a CLEANING_UP colour's database and tokens are dropped", blocks: false },
  'strategy-change': {
    summary:
      'an app switches between rolling and blueGreen without a colour adopting its processors and database (it would replay from zero)',
    blocks: true,
  },
  'appproject-removed': {
    summary: 'an Argo CD AppProject removed or renamed (its Applications stop syncing; it may be shared)',
    blocks: true,
  },
  'permissions-widened': {
    summary:
      'a new or wider Role, or an AppProject that lets in more kinds, repositories or destinations: who gains what',
    blocks: false,
  },
  'cluster-resources-changed': {
    summary:
      "the controller's resource definitions or Argo CD health check change: a cluster admin applies dist/cluster",
    blocks: false,
  },
  'promotion-without-processor-check': {
    summary: 'a colour becomes SERVING with the check of its processors turned off',
    blocks: true,
  },
  'template-change-in-promotion': {
    summary: "a colour's pods change in the change that promotes it (they restart right before the switch)",
    blocks: true,
  },
  'side-effects-unseeded': {
    summary:
      'side-effect groups declared for a live app (or an app adopted into blueGreen) without saying how their shared store is seeded',
    blocks: true,
  },
  'side-effects-undeclared': {
    summary: 'a blue/green app with a read model declares no side-effect processing groups',
    blocks: false,
  },
  'app-token': { summary: 'a new app connects with a token Axon Server must know', blocks: false },
  'new-secret': { summary: 'the change references a Secret that must exist before the sync', blocks: false },
  'roles-changed': {
    summary: 'replication groups or roles change (the cluster template applies only once)',
    blocks: false,
  },
  'voters-removed': { summary: 'more than one voter removed from a replication group at once', blocks: true },
  'replicas-handover': {
    summary: 'a live Deployment stops setting replicas (an autoscaler takes over): the sync would scale it to 1 first',
    blocks: true,
  },
  'tls-toggle': {
    summary: 'TLS (or HTTPS on 8024) turned on or off in place: every node and client must switch together',
    blocks: true,
  },
  'json-patch': {
    summary: 'a JSON patch of a rendered object is added or changed (shown with its reason)',
    blocks: false,
  },
  'licence-secret': {
    summary: 'the licence Secret changes: renew by replacing its content, never by an upload in the UI',
    blocks: false,
  },
  'no-backup': {
    summary: 'an environment whose Axon Server has no scheduled backup (new, or backups turned off)',
    blocks: false,
  },
  'access-control-off': { summary: 'Axon Server access control turned off', blocks: true },
  'network-policy-weakened': {
    summary: "a NetworkPolicy removed or widened (who reaches Axon Server's ports)",
    blocks: true,
  },
  'pod-security-weakened': { summary: 'a pod loses a control of the restricted Pod Security profile', blocks: true },
  'secret-to-literal': { summary: 'a value that came from a Secret becomes a literal in dist/', blocks: true },
} as const satisfies Readonly<Record<string, RuleInfo>>;

export type RuleId = keyof typeof REVIEW_RULES;
export const RULE_IDS = Object.keys(REVIEW_RULES).sort() as RuleId[];
export const isRuleId = (id: string): id is RuleId => Object.prototype.hasOwnProperty.call(REVIEW_RULES, id);
