/**
 * What a change does to the clusters: compares two snapshots (base and head) per environment and
 * finds the changes a live cluster rejects, those that put data at risk, release transitions
 * that are not allowed, quorum risks, and what deserves a warning. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { parseQuantity } from '../config/formats';
import type { Color, Phase, Role } from '../config/schema';
import type { AppModel, EnvironmentModel, ReplicationGroupModel } from '../model/types';
import type { KubeObject } from '../synth/render';
import type { EnvSnapshot, Snapshot } from './snapshot';

export type FindingSeverity = 'blocker' | 'warning';

export interface Finding {
  readonly env: string;
  readonly severity: FindingSeverity;
  /** Stable rule id, used by `--allow <rule>:<env>/<object>`. */
  readonly rule: string;
  /** `statefulset/axonserver-1`, `app/order-service`, `group/orders`. */
  readonly object: string;
  /** One line: what happens. */
  readonly message: string;
  /** Why it matters and the safe procedure, as Markdown lines. */
  readonly details: readonly string[];
}

export interface ObjectChange {
  readonly kind: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Changed fields, e.g. `spec.template.spec.containers[0].image`. */
  readonly fields: readonly string[];
}

export interface Restart {
  readonly wave: number;
  readonly kind: string;
  readonly name: string;
  readonly why: string;
}

export interface EnvReview {
  readonly env: string;
  /** Phase changes of blue/green apps, e.g. `order-service-green: INITIALISING → SERVING (1.5.0)`. */
  readonly releases: readonly string[];
  readonly changes: readonly ObjectChange[];
  readonly restarts: readonly Restart[];
  readonly findings: readonly Finding[];
  /** The new TOPOLOGY.md when it changed. */
  readonly topology?: string;
}

/** Allowed phase moves; anything else is blocked. SCHEDULED and OBSOLETE let a colour be reused. */
export const ALLOWED_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  SCHEDULED: ['INITIALISING', 'OBSOLETE'],
  INITIALISING: ['SERVING', 'OBSOLETE'],
  SERVING: ['STANDING_BY'],
  STANDING_BY: ['SERVING', 'CLEANING_UP'],
  CLEANING_UP: ['OBSOLETE'],
  OBSOLETE: ['SCHEDULED', 'INITIALISING'],
};

const RUNNING: readonly Phase[] = ['INITIALISING', 'SERVING', 'STANDING_BY'];
const VOTERS = new Set(['PRIMARY', 'ACTIVE_BACKUP']);
const CLI = 'axonserver-cli.jar';

export function reviewSnapshots(base: Snapshot, head: Snapshot): EnvReview[] {
  const names = [...new Set([...base.envs.keys(), ...head.envs.keys()])].sort();
  return names.map((env) => reviewEnvironment(env, base.envs.get(env), head.envs.get(env)));
}

function reviewEnvironment(env: string, base: EnvSnapshot | undefined, head: EnvSnapshot | undefined): EnvReview {
  const before = base?.objects ?? new Map<string, KubeObject>();
  const after = head?.objects ?? new Map<string, KubeObject>();
  const findings: Finding[] = [];
  const add = (severity: FindingSeverity, rule: string, object: string, message: string, details: string[] = []) =>
    findings.push({ env, severity, rule, object, message, details });
  const namespace = head?.model?.namespace ?? base?.model?.namespace ?? firstNamespace(after) ?? firstNamespace(before) ?? '<namespace>';

  const changes: ObjectChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [kind, name] = key.split('/');
    const b = before.get(key);
    const a = after.get(key);
    if (!b) changes.push({ kind, name, change: 'added', fields: [] });
    else if (!a) changes.push({ kind, name, change: 'removed', fields: [] });
    else if (!isDeepStrictEqual(b, a)) changes.push({ kind, name, change: 'changed', fields: changedFields(b, a) });
  }

  const baseNamespace = base?.model?.namespace ?? firstNamespace(before);
  const headNamespace = head?.model?.namespace ?? firstNamespace(after);
  if (base && head && baseNamespace && headNamespace && baseNamespace !== headNamespace) {
    add('blocker', 'environment-moved', `environment/${env}`, `moves ${env} from namespace ${baseNamespace} to ${headNamespace}`, [
      `Argo CD would create every object anew in ${headNamespace} — Axon Server nodes with new, empty event stores — while the StatefulSets in ${baseNamespace} keep running unmanaged (they are never pruned). Apps would connect to the empty cluster.`,
      'To move an environment on purpose: create the new one beside the old one (a new environment file), move the data (Axon Server backup and restore, or a new node joining the old cluster), switch clients over, then remove the old environment.',
    ]);
  }
  for (const [key, a] of after) {
    const b = before.get(key);
    if (a.kind !== 'Application' || !b) continue;
    if (!isDeepStrictEqual(get(b, ['spec', 'destination']), get(a, ['spec', 'destination']))) {
      add('blocker', 'environment-moved', `application/${a.metadata.name}`, `changes the destination of Argo CD Application ${a.metadata.name} (${JSON.stringify(get(b, ['spec', 'destination']))} → ${JSON.stringify(get(a, ['spec', 'destination']))})`, [
        'Argo CD would deploy the environment anew at the new destination, with empty event stores, and leave the old one running unmanaged. Move an environment as a new environment beside the old one.',
      ]);
    }
    const other = changedFields(b, a).filter((f) => !f.startsWith('spec.destination'));
    if (other.length > 0) {
      add('warning', 'application-changed', `application/${a.metadata.name}`, `changes Argo CD Application ${a.metadata.name}: ${other.join(', ')}`, [
        'This changes how Argo CD syncs the environment (source, project or sync policy): check that the project allows the destination and the cluster-scoped kinds (StorageClass).',
      ]);
    }
  }

  for (const c of changes) {
    const b = before.get(`${c.kind}/${c.name}`);
    const a = after.get(`${c.kind}/${c.name}`);
    const object = `${c.kind.toLowerCase()}/${c.name}`;
    if (c.change === 'removed' && c.kind === 'StatefulSet') {
      add('blocker', 'statefulset-removed', object, `removes the StatefulSet of Axon Server node ${c.name} (its event store)`, [
        'Argo CD will not prune it (`Prune=false`), so the sync leaves it running while the config no longer knows it.',
        `To remove the node on purpose: first take it out of its replication groups (\`${CLI} delete-node-from-replication-group -g <group> -n ${c.name}\`) and the cluster (\`${CLI} unregister-node -n ${c.name}\`); after the merge delete it by hand: \`kubectl -n ${namespace} delete statefulset ${c.name}\`, and its volumes once no longer needed: \`kubectl -n ${namespace} delete pvc -l app.kubernetes.io/instance=${c.name}\`.`,
      ]);
    }
    if (c.change === 'removed' && c.kind === 'StorageClass') {
      add('blocker', 'storageclass-removed', object, `removes StorageClass ${c.name}`, [
        'Volumes of this class keep their data, but the class is needed to provision or expand them; Argo CD will not prune it (`Prune=false`).',
        `To remove it on purpose: check that no claim uses it (\`kubectl get pvc -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,CLASS:.spec.storageClassName | grep ${c.name}\`), then delete it by hand after the merge.`,
      ]);
    }
    if (c.change === 'changed' && a && b) immutableChanges(b, a, object, namespace, add);
  }

  const restarts = podRestarts(before, after);
  axonImageChanges(before, after, restarts, add);
  const releases = base?.model && head?.model ? releaseChanges(base.model, head.model, add) : [];
  if (head) groupChanges(base ? replicationGroupsOf(before) : undefined, replicationGroupsOf(after), namespace, add);
  const topology = head?.topology !== undefined && head.topology !== base?.topology ? head.topology : undefined;
  return { env, releases, changes, restarts, findings, topology };
}

const firstNamespace = (objects: ReadonlyMap<string, KubeObject>) => [...objects.values()].find((o) => o.metadata.namespace)?.metadata.namespace;

type Add = (severity: FindingSeverity, rule: string, object: string, message: string, details?: string[]) => void;

// ---------------------------------------------------------------------------------------------
// Fields a live cluster refuses to change

interface Json { [key: string]: unknown }
const get = (obj: unknown, path: readonly string[]): unknown => path.reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);

function immutableChanges(b: KubeObject, a: KubeObject, object: string, namespace: string, add: Add): void {
  const name = a.metadata.name;
  const recreate = (kind: string) =>
    `To change it on purpose: merge (acknowledged), then delete the ${kind} without its pods (\`kubectl -n ${namespace} delete ${kind.toLowerCase()} ${name} --cascade=orphan\`): the next sync recreates it and it adopts the running pods.`;
  const differs = (...path: string[]) => !isDeepStrictEqual(get(b, path), get(a, path));
  if (a.kind === 'StatefulSet') {
    for (const field of ['selector', 'serviceName', 'podManagementPolicy']) {
      if (differs('spec', field)) {
        add('blocker', 'immutable-field', object, `changes spec.${field} of StatefulSet ${name}, which Kubernetes does not allow`, [
          `The sync would fail with "spec: Forbidden: updates to statefulset spec for fields other than ... are forbidden". ${recreate('StatefulSet')}`,
        ]);
      }
    }
    volumeClaimChanges(b, a, object, namespace, add);
  }
  if (a.kind === 'Deployment' && differs('spec', 'selector')) {
    add('blocker', 'immutable-field', object, `changes the selector of Deployment ${name}, which Kubernetes does not allow`, [
      `The sync would fail (field is immutable). To change it on purpose: delete the Deployment (\`kubectl -n ${namespace} delete deployment ${name}\`) during a window in which its pods may stop, then sync; or release under a new name.`,
    ]);
  }
  if (a.kind === 'Service' && (get(b, ['spec', 'clusterIP']) === 'None') !== (get(a, ['spec', 'clusterIP']) === 'None')) {
    add('blocker', 'immutable-field', object, `turns Service ${name} ${get(a, ['spec', 'clusterIP']) === 'None' ? 'headless' : 'from headless into a ClusterIP Service'}, which Kubernetes does not allow`, [
      `clusterIP is immutable. To change it on purpose: delete the Service (\`kubectl -n ${namespace} delete service ${name}\`) and sync; clients lose it for a moment.`,
    ]);
  }
  if (a.kind === 'Job' && differs('spec', 'template')) {
    const hook = a.metadata.annotations?.['argocd.argoproj.io/hook'];
    if (!hook) {
      add('blocker', 'immutable-field', object, `changes the pod template of Job ${name}, which Kubernetes does not allow`, [
        `Job templates are immutable. Delete the Job first (\`kubectl -n ${namespace} delete job ${name}\`), or give the new one another name.`,
      ]);
    }
  }
  if (a.kind === 'StorageClass') {
    for (const field of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode']) {
      if (differs(field)) {
        add('blocker', 'immutable-field', object, `changes ${field} of StorageClass ${name}, which Kubernetes does not allow`, [
          'StorageClass parameters are immutable, and existing volumes keep the old ones. To change it on purpose: declare a new class, move new volumes to it, and delete the old class by hand when no claim uses it.',
        ]);
      }
    }
  }
}

interface ClaimTemplate { metadata: { name: string }; spec: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } } }

function volumeClaimChanges(b: KubeObject, a: KubeObject, object: string, namespace: string, add: Add): void {
  const sts = a.metadata.name;
  const before = (get(b, ['spec', 'volumeClaimTemplates']) ?? []) as ClaimTemplate[];
  const after = (get(a, ['spec', 'volumeClaimTemplates']) ?? []) as ClaimTemplate[];
  const byName = (list: ClaimTemplate[]) => new Map(list.map((t) => [t.metadata.name, t]));
  const oldClaims = byName(before);
  const newClaims = byName(after);
  const other: string[] = [];
  const addedOrRemoved: string[] = [];
  for (const name of [...new Set([...oldClaims.keys(), ...newClaims.keys()])].sort()) {
    const o = oldClaims.get(name);
    const n = newClaims.get(name);
    if (!o) { addedOrRemoved.push(`adds volume ${name}`); continue; }
    if (!n) { addedOrRemoved.push(`removes volume ${name}`); continue; }
    const oldSize = o.spec.resources?.requests?.storage;
    const newSize = n.spec.resources?.requests?.storage;
    const pvc = `${name}-${sts}-0`;
    if (oldSize && newSize && oldSize !== newSize) {
      if (parseQuantity(newSize) < parseQuantity(oldSize)) {
        add('blocker', 'volume-shrink', object, `shrinks volume ${name} of ${sts} from ${oldSize} to ${newSize}`, [
          'Kubernetes cannot shrink a volume, and the claim templates of a StatefulSet are immutable: the sync fails, and forcing it would lose data.',
          `Keep ${oldSize}. To move to a smaller volume, add a new node with the smaller volume, let Axon Server replicate to it, then remove the old node.`,
        ]);
      } else {
        add('blocker', 'volume-resize', object, `grows volume ${name} of ${sts} from ${oldSize} to ${newSize}: volume claim templates are immutable, the sync would fail`, [
          'Grow the existing claim, then recreate the StatefulSet without touching its pod:',
          `1. \`kubectl -n ${namespace} patch pvc ${pvc} -p '{"spec":{"resources":{"requests":{"storage":"${newSize}"}}}}'\` (the StorageClass allows expansion; wait until \`kubectl -n ${namespace} get pvc ${pvc}\` shows ${newSize})`,
          '2. merge this change (acknowledged below); Argo CD\'s sync of this StatefulSet fails on the immutable field until step 3',
          `3. \`kubectl -n ${namespace} delete statefulset ${sts} --cascade=orphan\`: the pod and its volumes keep running, and the next sync recreates the StatefulSet from the new template, adopting the pod.`,
        ]);
      }
    }
    if (o.spec.storageClassName !== n.spec.storageClassName) other.push(`moves volume ${name} from StorageClass ${o.spec.storageClassName ?? '(default)'} to ${n.spec.storageClassName ?? '(default)'}`);
    if (!isDeepStrictEqual(o.spec.accessModes, n.spec.accessModes)) other.push(`changes the access modes of volume ${name}`);
    const rest = (t: ClaimTemplate) => ({ ...t, spec: { ...t.spec, resources: undefined, storageClassName: undefined, accessModes: undefined } });
    if (!isDeepStrictEqual(rest(o), rest(n))) other.push(`changes the template of volume ${name}`);
  }
  if (addedOrRemoved.length > 0) {
    add('blocker', 'immutable-field', object, `${addedOrRemoved.join(', ')} of StatefulSet ${sts}: volume claim templates are immutable, the sync would fail`, [
      `To do this on purpose: merge (acknowledged), then \`kubectl -n ${namespace} delete statefulset ${sts} --cascade=orphan\`; the next sync recreates the StatefulSet and rolls its pod, which gets the new volume set (a removed volume's claim is kept: delete it by hand when its data is no longer needed).`,
    ]);
  }
  if (other.length > 0) {
    add('blocker', 'immutable-field', object, `${other.join(', ')} of StatefulSet ${sts}: volume claim templates are immutable, the sync would fail`, [
      'Existing volumes never change with the template. To do this on purpose, replace the node: add a new node with the new volumes, let it join its replication groups and catch up, then remove the old node.',
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Restarts, image changes

const WORKLOADS = new Set(['StatefulSet', 'Deployment']);
const waveOf = (o: KubeObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

function podRestarts(before: ReadonlyMap<string, KubeObject>, after: ReadonlyMap<string, KubeObject>): Restart[] {
  const restarts: Restart[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b || !WORKLOADS.has(a.kind)) continue;
    const tb = get(b, ['spec', 'template']);
    const ta = get(a, ['spec', 'template']);
    if (isDeepStrictEqual(tb, ta)) continue;
    const why: string[] = [];
    const images = (t: unknown) => ((get(t, ['spec', 'containers']) ?? []) as { image: string }[]).map((c) => c.image).join(', ');
    if (images(tb) !== images(ta)) why.push(`image ${images(tb)} → ${images(ta)}`);
    const checksum = ['metadata', 'annotations', 'axon-deploy.io/config-checksum'];
    if (get(tb, checksum) !== get(ta, checksum)) why.push('configuration changed');
    const env = (t: unknown) => new Map(((get(t, ['spec', 'containers', '0', 'env']) ?? []) as { name: string }[]).map((e) => [e.name, e]));
    const eb = env(tb);
    const ea = env(ta);
    const changedEnv = [...new Set([...eb.keys(), ...ea.keys()])].filter((k) => !isDeepStrictEqual(eb.get(k), ea.get(k)));
    const phase = (m: Map<string, { name: string; value?: string }>) => (m.get('DEPLOYMENT_PHASE') as { value?: string } | undefined)?.value;
    if (phase(eb) !== phase(ea)) why.push(`phase ${phase(eb)} → ${phase(ea)}`);
    else if (changedEnv.length > 0) why.push(`environment: ${changedEnv.slice(0, 3).join(', ')}${changedEnv.length > 3 ? ', …' : ''}`);
    if (why.length === 0) why.push(`pod template changed (${changedFields(tb, ta).slice(0, 3).join(', ')})`);
    restarts.push({ wave: waveOf(a), kind: a.kind, name: a.metadata.name, why: why.join('; ') });
  }
  return restarts.sort((x, y) => x.wave - y.wave || (x.name < y.name ? -1 : 1));
}

function axonImageChanges(before: ReadonlyMap<string, KubeObject>, after: ReadonlyMap<string, KubeObject>, restarts: readonly Restart[], add: Add): void {
  const changed = restarts.filter((r) => r.kind === 'StatefulSet' && r.why.includes('image '));
  if (changed.length === 0) return;
  const order = changed.map((r) => `${r.name} (wave ${r.wave})`).join(', then ');
  const image = (name: string, side: ReadonlyMap<string, KubeObject>) =>
    ((get(side.get(`StatefulSet/${name}`), ['spec', 'template', 'spec', 'containers']) ?? []) as { image: string }[])[0]?.image;
  add('warning', 'axon-image-change', 'statefulset/*', `changes the Axon Server image (${image(changed[0].name, before)} → ${image(changed[0].name, after)}) on ${changed.length} node${changed.length === 1 ? '' : 's'}`, [
    `Argo CD rolls one node per wave, each healthy before the next: ${order}.`,
    'Read the Axon Server release notes for upgrade steps; keep a majority of voters up at all times (the PodDisruptionBudget allows one node down).',
  ]);
}

// ---------------------------------------------------------------------------------------------
// Releases

/** Checks every app's release; returns the phase changes, one line per colour. */
function releaseChanges(base: EnvironmentModel, head: EnvironmentModel, add: Add): string[] {
  const lines: string[] = [];
  const baseApps = new Map(base.apps.map((a) => [a.name, a]));
  const headApps = new Map(head.apps.map((a) => [a.name, a]));
  for (const [name, b] of baseApps) {
    if (!headApps.has(name) && isLive(b)) {
      add('blocker', 'serving-removed', `app/${name}`, `removes app ${name}, which is live`, [
        'Its live Service and Deployments are pruned and its clients lose it. To retire the app on purpose, stop its clients first, then merge with this rule allowed.',
      ]);
    }
  }
  for (const [name, h] of headApps) {
    const b = baseApps.get(name);
    if (!b) {
      // A new app: nothing live to protect, but Axon Server must know its token.
      const token = h.deployments[0]?.pod.env.find((e) => e.name === 'AXON_AXONSERVER_TOKEN');
      if (token && 'secret' in token) {
        add('warning', 'app-token', `app/${name}`, `new app ${name} connects with the token in Secret ${token.secret.name}: register it with Axon Server`, [
          `Axon Server accepts only registered application tokens (the cluster template holds none: it is a ConfigMap). Before the first sync: \`java -jar ${CLI} register-application -a ${name} -r USE_CONTEXT@${h.context} -T "$(kubectl -n ${head.namespace} get secret ${token.secret.name} -o jsonpath='{.data.${token.secret.key}}' | base64 -d)" -S http://<node>.${head.namespace}.svc.cluster.local:8024 -t <system token>\` (check \`register-application --help\` for the role names of your Axon Server version).`,
        ]);
      }
      continue;
    }
    if (b.strategy !== h.strategy) {
      add('warning', 'strategy-change', `app/${name}`, `switches ${name} from ${b.strategy} to ${h.strategy}`, [
        `The ${b.strategy} objects are pruned after the ${h.strategy} ones are healthy (PruneLast); check that the new Deployments reach readiness before the old ones go, and that processor names and databases match what the new strategy expects.`,
      ]);
      continue;
    }
    if (h.strategy === 'rolling') continue;
    colorTransitions(b, h, add);
    for (const c of h.colors) {
      const from = b.colors.find((x) => x.color === c.color)!;
      if (from.phase !== c.phase || from.version !== c.version) {
        lines.push(`${name}-${c.color}: ${from.phase} → ${c.phase}${from.version !== c.version ? ` (version ${from.version} → ${c.version})` : ` (${c.version})`}`);
      }
    }
  }
  return lines;
}

const isLive = (app: AppModel) => app.strategy === 'rolling' || app.colors.some((c) => c.phase === 'SERVING');

function colorTransitions(b: AppModel, h: AppModel, add: Add): void {
  const app = h.name;
  const phase = (m: AppModel, c: Color) => m.colors.find((x) => x.color === c)!;
  const servingBefore = b.colors.find((c) => c.phase === 'SERVING');
  const servingAfter = h.colors.find((c) => c.phase === 'SERVING');
  if (servingBefore && !servingAfter) {
    add('blocker', 'serving-removed', `app/${app}`, `leaves ${app} without a SERVING colour (${servingBefore.color} was SERVING): nothing is live`, [
      'Promote the other colour in the same change (it must be INITIALISING or STANDING_BY), or allow this rule to take the app offline on purpose.',
    ]);
  }
  for (const color of ['blue', 'green'] as const) {
    const from = phase(b, color);
    const to = phase(h, color);
    const object = `app/${app}-${color}`;
    if (from.phase !== to.phase) {
      if (to.phase === 'SERVING' && from.phase !== 'INITIALISING' && from.phase !== 'STANDING_BY') {
        add('blocker', 'phase-transition', object, `${app}-${color}: ${from.phase} → SERVING; only an INITIALISING or STANDING_BY colour may become SERVING`, [
          'A colour must run and catch up (INITIALISING) before it takes live traffic. Make it INITIALISING first, promote it in a later change.',
        ]);
      } else if (!ALLOWED_TRANSITIONS[from.phase].includes(to.phase)) {
        const reason = from.phase === 'SERVING' && to.phase === 'CLEANING_UP'
          ? 'the live colour would be deleted and its database dropped; demote it to STANDING_BY first (another colour becomes SERVING), clean it up in a later change'
          : `allowed from ${from.phase}: ${ALLOWED_TRANSITIONS[from.phase].join(', ')}`;
        add('blocker', 'phase-transition', object, `${app}-${color}: ${from.phase} → ${to.phase} is not allowed`, [
          `${reason}. The phase order is SCHEDULED → INITIALISING → SERVING ↔ STANDING_BY → CLEANING_UP → OBSOLETE, with INITIALISING → OBSOLETE to abort.`,
        ]);
      }
    }
    if (from.version !== to.version && RUNNING.includes(from.phase) && RUNNING.includes(to.phase)) {
      if (from.phase === 'SERVING' || from.phase === 'STANDING_BY') {
        add('blocker', 'version-change-in-place', object, `${app}-${color}: version ${from.version} → ${to.version} while ${from.phase}`, [
          'This replaces the live (or rollback) version in place, without a replay into a fresh read model and without a way back. Release the new version in the other colour.',
        ]);
      } else {
        add('warning', 'version-change-in-place', object, `${app}-${color}: version ${from.version} → ${to.version} while INITIALISING`, [
          `The new version continues from the tokens in ${to.database ?? 'its database'}. If its read model differs, abort (OBSOLETE) and initialise again.`,
        ]);
      }
    }
    if (to.phase === 'CLEANING_UP' && from.phase !== 'CLEANING_UP') {
      add('warning', 'cleanup-drops-database', object, `${app}-${color} is cleaned up: the cleanup Job drops ${to.database ? `database ${to.database}` : 'its read model'} and the tokens of processors ending in -${color}`, [
        `After this, ${color} (version ${from.version}) can no longer serve as a rollback target.`,
      ]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Replication groups and roles

/** The replication groups of the cluster template in dist/ (what the nodes actually read). */
export function replicationGroupsOf(objects: ReadonlyMap<string, KubeObject>): ReplicationGroupModel[] {
  const text = get(objects.get('ConfigMap/axonserver-config'), ['data', 'cluster-template.yml']);
  if (typeof text !== 'string') return [];
  const template = get(parse(text), ['axoniq', 'axonserver', 'cluster-template']) as
    { replicationGroups?: { name: string; roles?: { node: string; role: Role }[]; contexts?: { name: string }[] }[] } | undefined;
  return (template?.replicationGroups ?? []).map((g) => ({
    name: g.name,
    roles: (g.roles ?? []).map((r) => ({ node: r.node, role: r.role })),
    contexts: (g.contexts ?? []).map((c) => c.name),
  }));
}

function groupChanges(base: readonly ReplicationGroupModel[] | undefined, head: readonly ReplicationGroupModel[], namespace: string, add: Add): void {
  const headGroups = new Map(head.map((g) => [g.name, g]));
  for (const g of head) {
    const voters = g.roles.filter((r) => VOTERS.has(r.role)).length;
    if (voters % 2 === 0 && g.roles.length > 0) {
      add('blocker', 'quorum-even', `group/${g.name}`, `replication group ${g.name} ends up with ${voters} voters`, [
        'A group runs while a majority of its voters is up: an even number survives no more failures than one voter less. Use an odd number of PRIMARY + ACTIVE_BACKUP nodes.',
      ]);
    }
  }
  if (!base) return;
  const baseGroups = new Map(base.map((g) => [g.name, g]));
  const cli = (cmd: string) => `\`java -jar ${CLI} ${cmd} -S http://<node>.${namespace}.svc.cluster.local:8024 -t <system token>\``;
  for (const name of [...new Set([...baseGroups.keys(), ...headGroups.keys()])].sort()) {
    const b = baseGroups.get(name);
    const h = headGroups.get(name);
    const votersOf = (g?: ReplicationGroupModel) => new Set((g?.roles ?? []).filter((r) => VOTERS.has(r.role)).map((r) => r.node));
    const lost = [...votersOf(b)].filter((n) => !votersOf(h).has(n));
    if (h && lost.length > 1) {
      add('blocker', 'voters-removed', `group/${name}`, `removes ${lost.length} voters from replication group ${name} at once (${lost.join(', ')})`, [
        'Removing voters one change at a time keeps a majority while the cluster reconfigures. Remove one voter, let the group settle, then the next.',
      ]);
    }
    const commands = groupCommands(b, h, cli);
    if (commands.length > 0) {
      add('warning', 'roles-changed', `group/${name}`, `changes replication group ${name}`, [
        'The cluster template is applied only on the first start of a clean cluster: a running cluster keeps its roles until you apply the change with the CLI:',
        ...commands.map((c) => `- ${c}`),
      ]);
    }
  }
}

function groupCommands(b: ReplicationGroupModel | undefined, h: ReplicationGroupModel | undefined, cli: (cmd: string) => string): string[] {
  const name = (h ?? b)!.name;
  if (!b && h) {
    const byRole = (role: string) => h.roles.filter((r) => r.role === role).map((r) => r.node).join(',');
    const flags = [['-n', 'PRIMARY'], ['-a', 'ACTIVE_BACKUP'], ['-p', 'PASSIVE_BACKUP'], ['-m', 'MESSAGING_ONLY'], ['-s', 'SECONDARY']]
      .filter(([, role]) => byRole(role) !== '').map(([flag, role]) => `${flag} ${byRole(role)}`).join(' ');
    return [`new group: ${cli(`register-replication-group -c ${name} ${flags}`)}`, ...h.contexts.map((c) => `new context: ${cli(`register-context -c ${c} -g ${name}`)}`)];
  }
  if (b && !h) return [`group removed: ${cli(`delete-replication-group -g ${name}`)} (add \`--preserve-event-store\` to keep the data)`];
  const out: string[] = [];
  const oldRoles = new Map(b!.roles.map((r) => [r.node, r.role]));
  const newRoles = new Map(h!.roles.map((r) => [r.node, r.role]));
  for (const [node, role] of newRoles) {
    const old = oldRoles.get(node);
    if (!old) out.push(`${node} joins as ${role}: ${cli(`add-node-to-replication-group -g ${name} -n ${node} -r ${role}`)}`);
    else if (old !== role) {
      out.push(`${node} ${old} → ${role}: ${cli(`delete-node-from-replication-group -g ${name} -n ${node} --preserve-event-store`)}, then ${cli(`add-node-to-replication-group -g ${name} -n ${node} -r ${role}`)}`);
    }
  }
  for (const [node] of oldRoles) if (!newRoles.has(node)) out.push(`${node} leaves: ${cli(`delete-node-from-replication-group -g ${name} -n ${node}`)}`);
  for (const c of h!.contexts) if (!b!.contexts.includes(c)) out.push(`new context: ${cli(`register-context -c ${c} -g ${name}`)}`);
  for (const c of b!.contexts) if (!h!.contexts.includes(c)) out.push(`context removed: ${cli(`delete-context -c ${c}`)} (deletes its events unless \`--preserve-event-store\`)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Field-level diff

/** Paths where two values differ, collapsed below `depth` segments. */
export function changedFields(a: unknown, b: unknown, depth = 6): string[] {
  const out = new Set<string>();
  const walk = (x: unknown, y: unknown, path: string, level: number) => {
    if (isDeepStrictEqual(x, y)) return;
    const bothObjects = x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y);
    if (!bothObjects || level >= depth) {
      out.add(path || '(whole object)');
      return;
    }
    const keys = new Set([...Object.keys(x as object), ...Object.keys(y as object)]);
    for (const k of [...keys].sort()) {
      const seg = Array.isArray(x) ? `[${k}]` : path ? `.${k}` : k;
      walk((x as Json)[k], (y as Json)[k], `${path}${seg}`, level + 1);
    }
  };
  walk(a, b, '', 0);
  return [...out];
}
