/**
 * What a change does to the clusters: compares two snapshots (base and head) per environment.
 * Semantic rules compare the models (src/review/models.ts); Kubernetes-level rules compare the
 * rendered objects (src/review/objects.ts). Pure.
 */
import { createTwoFilesPatch } from 'diff';
import { formatDiagnostic } from '../config/diagnostics';
import { CLUSTER_DIR, KubeObject } from '../synth/render';
import { Add, EnvReview, Finding, ObjectChange } from './findings';
import {
  accessControlChanges,
  backupChanges,
  patchChanges,
  environmentMoves,
  environmentRemoved,
  groupChanges,
  newSecrets,
  releaseChanges,
  tlsChanges,
  licenceChanges,
} from './models';
import { axonImageChanges, objectChanges, objectRules, podRestarts } from './objects';
import { environmentOfFile, EnvSnapshot, Snapshot } from './snapshot';

export interface ReviewOptions {
  /** A unified diff per changed object (`review --diff`). */
  readonly diff?: boolean;
}

export function reviewSnapshots(base: Snapshot, head: Snapshot, options: ReviewOptions = {}): EnvReview[] {
  const names = [...new Set([...base.envs.keys(), ...head.envs.keys()])].sort();
  const reviews = names.map((env) => {
    const review = reviewEnvironment(env, base.envs.get(env), head.envs.get(env), head);
    return options.diff ? { ...review, diffs: objectDiffs(base.envs.get(env), head.envs.get(env)) } : review;
  });
  if (head.configErrors.length > 0) {
    const lines = head.configErrors.map((d) => `- \`${formatDiagnostic(d)}\``);
    reviews.unshift(
      wholeConfigBlocker(
        'config-invalid',
        'config',
        `the config does not build (${head.configErrors.length} error${head.configErrors.length === 1 ? '' : 's'}): release, quorum and Secret checks are skipped`,
        [
          ...lines.slice(0, 20),
          ...(lines.length > 20 ? [`- … ${lines.length - 20} more`] : []),
          'Fix the config and run `axon-deploy synth`.',
        ],
      ),
    );
  }
  return reviews;
}

/** A review of the whole config (`*`) holding one blocker: what is wrong before any environment. */
export function wholeConfigBlocker(
  rule: Finding['rule'],
  object: string,
  message: string,
  details: readonly string[],
): EnvReview {
  return {
    env: '*',
    releases: [],
    changes: [],
    restarts: [],
    findings: [{ env: '*', severity: 'blocker', rule, object, message, details }],
  };
}

function reviewEnvironment(
  env: string,
  base: EnvSnapshot | undefined,
  head: EnvSnapshot | undefined,
  headSnapshot: Snapshot,
): EnvReview {
  const before = base?.objects ?? new Map<string, KubeObject>();
  const after = head?.objects ?? new Map<string, KubeObject>();
  const findings: Finding[] = [];
  const add: Add = (severity, rule, object, message, details = []) =>
    findings.push({ env, severity, rule, object, message, details });
  const namespace =
    head?.model?.namespace ??
    base?.model?.namespace ??
    firstNamespace(after) ??
    firstNamespace(before) ??
    '<namespace>';

  const stale = headSnapshot.staleFiles.filter((f) => environmentOfFile(f) === env);
  if (stale.length > 0) {
    add(
      'blocker',
      'stale-dist',
      `dist/${env}`,
      `dist/ is not what config/ produces for ${env} (${stale.length} file${stale.length === 1 ? '' : 's'} differ)`,
      [
        'The review shows dist/, which is what Argo CD applies; it would not match the config you reviewed. Run `axon-deploy synth` and commit the result.',
        ...stale.slice(0, 10).map((f) => `- \`${f}\``),
        ...(stale.length > 10 ? [`- … ${stale.length - 10} more`] : []),
      ],
    );
  }

  const changes = objectChanges(before, after);
  if (env === CLUSTER_DIR) {
    clusterChanges(changes, add);
    return { env, releases: [], changes, restarts: [], findings, topology: undefined };
  }
  const nodeGroups = new Map((base?.model?.axonServer.nodes ?? []).map((n) => [n.name, n.roles.map((r) => r.group)]));
  objectRules(changes, before, after, namespace, add, { nodeGroups, cluster: base?.model });
  const restarts = podRestarts(before, after, head?.parts);
  axonImageChanges(before, after, restarts, add);
  let releases: string[] = [];
  if (base && !head) environmentRemoved(env, base, add);
  if (base?.model && head?.model) {
    environmentMoves(env, base.model, head.model, add);
    accessControlChanges(base.model, head.model, add);
    tlsChanges(base.model, head.model, add);
    licenceChanges(base.model, head.model, add);
    releases = releaseChanges(base.model, head.model, add);
    groupChanges(base.model, head.model, add);
  }
  if (head?.model) {
    newSecrets(base?.model, head.model, add);
    if (!base || base.model) {
      backupChanges(base?.model, head.model, add);
      patchChanges(base?.model, head.model, add);
    }
  }
  const topology = changedSections(base?.topology, head?.topology);
  return { env, releases, changes, restarts, findings, topology };
}

const firstNamespace = (objects: ReadonlyMap<string, KubeObject>) =>
  [...objects.values()].find((o) => o.metadata.namespace)?.metadata.namespace;

/** dist/cluster/ changed: a cluster admin applies it before the environments sync. */
function clusterChanges(changes: readonly ObjectChange[], add: Add): void {
  if (changes.length === 0) return;
  add(
    'warning',
    'cluster-resources-changed',
    `dist/${CLUSTER_DIR}`,
    `changes what every environment's rollout controller needs once per cluster: ${changes.map((c) => `${c.change} ${c.kind}/${c.name}`).join(', ')}`,
    [
      `Before the environments sync (a new version of the controller may read the new fields), a cluster admin applies it: \`kubectl apply -k dist/${CLUSTER_DIR}\` and \`kubectl -n argocd patch configmap argocd-cm --type merge --patch-file dist/${CLUSTER_DIR}/argocd-cm-health.patch.yaml\`. A CustomResourceDefinition is never pruned: removing one deletes every object of its kind.`,
    ],
  );
}

/**
 * The `## ` sections of TOPOLOGY.md that are new or changed, as they are now: an image bump shows
 * the nodes table, not the diagram and the Secrets table again.
 */
function changedSections(base: string | undefined, head: string | undefined): string | undefined {
  if (head === undefined || head === base) return undefined;
  // The part before the first `## ` (the diagram and the tables under the title) is one section too.
  const sections = (text: string | undefined) =>
    new Map(
      (text ?? '')
        .split(/\n(?=## )/)
        .map((s) => (s.startsWith('# ') ? s.slice(s.indexOf('\n') + 1) : s).trim())
        .filter((s) => s !== '')
        .map(
          (s) => [s.startsWith('## ') ? s.slice(0, s.indexOf('\n') < 0 ? s.length : s.indexOf('\n')) : '', s] as const,
        ),
    );
  const was = sections(base);
  const changed = [...sections(head)].filter(([title, text]) => was.get(title) !== text).map(([, text]) => text);
  return changed.length > 0 ? changed.join('\n\n') : undefined;
}

/** A unified diff per object of dist/ that is added, removed or changed. */
function objectDiffs(base: EnvSnapshot | undefined, head: EnvSnapshot | undefined): string[] {
  const was = base?.texts ?? new Map<string, string>();
  const now = head?.texts ?? new Map<string, string>();
  return [...new Set([...was.keys(), ...now.keys()])]
    .sort()
    .filter((key) => was.get(key) !== now.get(key))
    .map((key) =>
      createTwoFilesPatch(
        was.has(key) ? `a/${key}` : '/dev/null',
        now.has(key) ? `b/${key}` : '/dev/null',
        was.get(key) ?? '',
        now.get(key) ?? '',
        undefined,
        undefined,
        { context: 3 },
      ),
    );
}
