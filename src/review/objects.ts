/**
 * Kubernetes-level review rules: compare the rendered objects of two snapshots of one
 * environment. What a live API server refuses to change, what Argo CD will not prune, which pods
 * restart and in which sync wave. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseQuantity } from '../config/formats';
import { ARGOCD_HOOK, ARGOCD_SYNC_WAVE } from '../domain/keys';
import type { KubeObject } from '../synth/render';
import { checkRestricted, podSpecOf } from '../validate/policies';
import type { Add, ObjectChange, Restart } from './findings';
import { LABEL_COLOR } from '../domain/keys';
import { cliFor, cliPreparation } from './runbook';
import type { EnvironmentModel } from '../model/types';
import { claimName, revisionPrefixOf } from '../domain/names';
import { compareText } from '../util/text';
import { NODE_ROLLOUT_KIND } from '../controller/api';

type Objects = ReadonlyMap<string, KubeObject>;
interface Json {
  [key: string]: unknown;
}
const get = (obj: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);

/** Added, removed and changed objects, sorted by kind and name. */
export function objectChanges(before: Objects, after: Objects): ObjectChange[] {
  const changes: ObjectChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [kind, name] = key.split('/');
    const b = before.get(key);
    const a = after.get(key);
    if (!b) changes.push({ kind, name, change: 'added', fields: [], values: [] });
    else if (!a) changes.push({ kind, name, change: 'removed', fields: [], values: [] });
    else if (!isDeepStrictEqual(b, a))
      changes.push({ kind, name, change: 'changed', fields: changedFields(b, a), values: changedValues(b, a) });
  }
  return pairRevisions(changes, before, after);
}

/**
 * A content-named ConfigMap (`<name>-<10 hex digits>`) removed and another of the same name added
 * is one configuration that changed: shown as the lines that differ, not as two hash names.
 */
function pairRevisions(changes: readonly ObjectChange[], before: Objects, after: Objects): ObjectChange[] {
  const isConfigMap = (c: ObjectChange, change: ObjectChange['change']) =>
    c.kind === 'ConfigMap' && c.change === change;
  const replaced = new Map<ObjectChange, ObjectChange>();
  for (const added of changes.filter((c) => isConfigMap(c, 'added'))) {
    const prefix = revisionPrefixOf(added.name);
    const old = prefix
      ? changes.find(
          (c) =>
            isConfigMap(c, 'removed') && revisionPrefixOf(c.name) === prefix && ![...replaced.values()].includes(c),
        )
      : undefined;
    if (old) replaced.set(added, old);
  }
  const gone = new Set(replaced.values());
  return changes
    .filter((c) => !gone.has(c))
    .map((c) => {
      const old = replaced.get(c);
      if (!old) return c;
      const b = before.get(`ConfigMap/${old.name}`)!;
      const a = after.get(`ConfigMap/${c.name}`)!;
      return {
        ...c,
        change: 'changed' as const,
        replaces: old.name,
        fields: changedFields(b, a),
        values: changedValues(b, a),
      };
    });
}

/** Longest a value is shown in the report before it is cut. */
const SHOWN = 80;

/** `path: before → after` for every changed scalar; added and removed lines of multi-line strings. */
export function changedValues(a: unknown, b: unknown): string[] {
  const out: string[] = [];
  const show = (v: unknown) => {
    if (v === undefined) return '(none)';
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
  };
  const walk = (x: unknown, y: unknown, path: string) => {
    if (isDeepStrictEqual(x, y)) return;
    if (typeof x === 'string' && typeof y === 'string' && (x.includes('\n') || y.includes('\n'))) {
      const was = new Set(x.split('\n'));
      const now = new Set(y.split('\n'));
      const lines = [
        ...[...now].filter((l) => !was.has(l) && l.trim() !== '').map((l) => `+${l}`),
        ...[...was].filter((l) => !now.has(l) && l.trim() !== '').map((l) => `-${l}`),
      ];
      out.push(...lines.map((l) => `${path}: ${show(l)}`));
      return;
    }
    const objects = x !== null && y !== null && typeof x === 'object' && typeof y === 'object';
    if (objects && Array.isArray(x) === Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of [...keys].sort()) {
        const seg = Array.isArray(x) ? `[${k}]` : path ? `.${k}` : k;
        walk((x as Json)[k], (y as Json)[k], `${path}${seg}`);
      }
      return;
    }
    out.push(`${path || '(whole object)'}: ${show(x)} → ${show(y)}`);
  };
  walk(a, b, '');
  return out;
}

/** What the semantic side knows that helps the object rules (from the base model, when it builds). */
export interface ObjectRuleContext {
  /** The replication groups of each node of the base. */
  readonly nodeGroups: ReadonlyMap<string, readonly string[]>;
  /** The base's model: the cluster the commands of a removal address. */
  readonly cluster?: EnvironmentModel;
}

/** The rules over rendered objects: removals Argo CD will not prune, immutable fields, Applications, security. */
export function objectRules(
  changes: readonly ObjectChange[],
  before: Objects,
  after: Objects,
  namespace: string,
  add: Add,
  context: ObjectRuleContext,
): void {
  for (const c of changes) {
    const b = before.get(`${c.kind}/${c.name}`);
    const a = after.get(`${c.kind}/${c.name}`);
    const object = `${c.kind.toLowerCase()}/${c.name}`;
    if (c.change === 'removed' && c.kind === 'StatefulSet' && b) {
      add(
        'blocker',
        'statefulset-removed',
        object,
        `removes Axon Server node ${c.name} (its StatefulSet and event store)`,
        nodeRemovalSteps(c.name, b, namespace, context.nodeGroups.get(c.name), context.cluster),
      );
    }
    if (c.change === 'removed' && c.kind === 'StorageClass') {
      add('blocker', 'storageclass-removed', object, `removes StorageClass ${c.name}`, [
        'Volumes of this class keep their data, but the class is needed to provision or expand them; Argo CD will not prune it (`Prune=false`).',
        `To remove it on purpose: check that no claim uses it (\`kubectl get pvc -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,CLASS:.spec.storageClassName | grep ${c.name}\`), then delete it by hand after the merge.`,
      ]);
    }
    if (c.change === 'changed' && a && b) {
      immutableChanges(b, a, object, namespace, add);
      if (a.kind === 'Application') applicationChanges(b, a, add);
      if (podSpecOf(a)) securityChanges(b, a, object, add);
      if (a.kind === 'Deployment' && !a.metadata.labels?.[LABEL_COLOR]) replicasHandover(b, a, object, namespace, add);
    }
    if (c.kind === 'NetworkPolicy' && b) networkPolicyChanges(b, a, object, add);
    if (c.kind === 'AppProject') appProjectChanges(c, b, a, object, add);
    if (c.kind === 'Role' && a) roleChanges(b, a, after, object, namespace, add);
  }
}

/**
 * An AppProject removed or renamed: the Applications in it stop syncing, and an app-of-apps with
 * prune deletes the project, and with it what other teams' Applications need. Widening it (a kind,
 * a repository, a destination) is a warning that names what it lets in.
 */
function appProjectChanges(
  c: ObjectChange,
  b: KubeObject | undefined,
  a: KubeObject | undefined,
  object: string,
  add: Add,
): void {
  if (c.change === 'removed') {
    add(
      'blocker',
      'appproject-removed',
      object,
      `removes (or renames) Argo CD AppProject ${c.name}: its Applications can no longer sync, and an app-of-apps with prune deletes the project`,
      [
        "An AppProject may be shared: other teams' Applications can be in it. Move the Applications first (argocd.project), then remove the project in a change of its own, acknowledged, after checking that nothing else uses it (`argocd proj get " +
          c.name +
          '` lists none).',
      ],
    );
    return;
  }
  if (c.change !== 'changed' || !a || !b) return;
  const list = (o: KubeObject, field: string) =>
    ((get(o, ['spec', field]) ?? []) as Record<string, string | undefined>[]).map(
      (e) =>
        [e.group, e.kind, e.name, e.server, e.namespace].filter((x) => x !== undefined && x !== '').join('/') ||
        JSON.stringify(e),
    );
  const gained = (field: string) => {
    const had = new Set(list(b, field));
    return list(a, field).filter((x) => !had.has(x));
  };
  const repos = ((get(a, ['spec', 'sourceRepos']) ?? []) as string[]).filter(
    (r) => !((get(b, ['spec', 'sourceRepos']) ?? []) as string[]).includes(r),
  );
  const widened = [
    ...gained('namespaceResourceWhitelist').map((k) => `namespaced kind ${k}`),
    ...gained('clusterResourceWhitelist').map((k) => `cluster-scoped ${k}`),
    ...gained('destinations').map((d) => `destination ${d}`),
    ...repos.map((r) => `repository ${r}`),
  ];
  if (widened.length === 0) return;
  add(
    'warning',
    'permissions-widened',
    object,
    `AppProject ${c.name} lets its Applications create more: ${widened.join(', ')}`,
    [
      'Argo CD may now create these in the destination: check that each is meant (the changes below say which object needs it).',
    ],
  );
}

/** A Role that is new or may do more: who gains which verbs on what, and which pods use it. */
function roleChanges(
  b: KubeObject | undefined,
  a: KubeObject,
  after: Objects,
  object: string,
  namespace: string,
  add: Add,
): void {
  type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] };
  const grants = (o: KubeObject | undefined) =>
    ((get(o, ['rules']) ?? []) as Rule[]).flatMap((r) =>
      (r.resources ?? []).flatMap((res) =>
        (r.verbs ?? []).map((v) => {
          const group = (r.apiGroups ?? [''])[0] || 'core';
          const names = r.resourceNames ? ` (${r.resourceNames.join(', ')})` : '';
          return `${v} ${res}${group === 'core' ? '' : `.${group}`}${names}`;
        }),
      ),
    );
  const had = new Set(grants(b));
  const gained = grants(a).filter((g) => !had.has(g));
  if (gained.length === 0) return;
  // Who holds it: the ServiceAccounts its RoleBindings name, and the workloads that run as them.
  const accounts = [...after.values()]
    .filter((o) => o.kind === 'RoleBinding' && get(o, ['roleRef', 'name']) === a.metadata.name)
    .flatMap((o) => ((get(o, ['subjects']) ?? []) as { kind: string; name: string }[]).map((s) => s.name));
  const users = [...after.values()]
    .filter((o) => {
      const account = podSpecOf(o)?.spec.serviceAccountName;
      return typeof account === 'string' && accounts.includes(account);
    })
    .map((o) => `${o.kind} ${o.metadata.name}`);
  add(
    'warning',
    'permissions-widened',
    object,
    `${b ? 'Role' : 'new Role'} ${a.metadata.name} lets ${accounts.length > 0 ? `ServiceAccount ${accounts.join(', ')}` : 'whoever it is bound to'}${users.length > 0 ? ` (used by ${users.join(', ')})` : ''} ${groupVerbs(gained)} in ${namespace}`,
    [
      'Check that each permission is needed: a pod with this ServiceAccount can use it with the token Kubernetes mounts into it.',
    ],
  );
}

/** `create, delete VolumeSnapshots; get Secrets (a, b)` from `verb resource (names)` lines. */
function groupVerbs(grants: readonly string[]): string {
  const byResource = new Map<string, string[]>();
  for (const g of grants) {
    const [verb, ...rest] = g.split(' ');
    const key = rest.join(' ');
    byResource.set(key, [...(byResource.get(key) ?? []), verb]);
  }
  return [...byResource.entries()].map(([res, verbs]) => `${verbs.join(', ')} ${res}`).join('; ');
}

/**
 * A live Deployment whose manifest stops setting replicas (an autoscaler takes over): Argo CD's
 * apply removes the field it applied before, and Kubernetes defaults it to 1 — the live app drops
 * to one pod until the autoscaler reacts (Kubernetes documents this for migrating to an HPA).
 */
function replicasHandover(b: KubeObject, a: KubeObject, object: string, namespace: string, add: Add): void {
  const before = get(b, ['spec', 'replicas']);
  if (typeof before !== 'number' || get(a, ['spec', 'replicas']) !== undefined) return;
  const name = a.metadata.name;
  add(
    'blocker',
    'replicas-handover',
    object,
    `Deployment ${name} stops setting replicas (${before} now): the sync would remove the field and Kubernetes would scale it to 1 before the autoscaler reacts`,
    [
      `Hand the count over first: \`kubectl -n ${namespace} apply edit-last-applied deployment/${name}\` and delete the \`replicas\` line (the live count stays ${before}), then merge this change (acknowledged) and sync. Argo CD then no longer owns the field, and the autoscaler does.`,
    ],
  );
}

/** Every step of removing a node, in order. */
function nodeRemovalSteps(
  node: string,
  sts: KubeObject,
  namespace: string,
  groups: readonly string[] | undefined,
  cluster: EnvironmentModel | undefined,
): string[] {
  const claims = ((get(sts, ['spec', 'volumeClaimTemplates']) ?? []) as { metadata: { name: string } }[]).map((t) =>
    claimName(t.metadata.name, node),
  );
  const groupList = groups && groups.length > 0 ? groups : ['<group>'];
  const cli = cluster ? cliFor(cluster, node) : undefined;
  const leave = cli
    ? `${groupList
        .map((g) =>
          cli('delete-node-from-replication-group', [
            ['-g', g],
            ['-n', node],
          ]),
        )
        .join(', ')}, then ${cli('unregister-node', [['-n', node]])}`
    : '`delete-node-from-replication-group` for each group, then `unregister-node`';
  return [
    'Argo CD neither prunes nor deletes a node (`Prune=false,Delete=false`), and Axon Server keeps a removed node in its groups until told. To remove it on purpose, in this order:',
    ...(cluster ? cliPreparation(cluster) : []),
    `1. Take it out of each replication group, then out of the cluster: ${leave} (REST: \`DELETE /v1/replicationgroups/<group>/${node}\`, then \`DELETE /v1/cluster/${node}\`). Wait until every group has a leader without it.`,
    '2. Merge this change, acknowledged below.',
    `3. Delete the StatefulSet: \`kubectl -n ${namespace} delete statefulset ${node}\` (the pod stops; its volumes stay).`,
    `4. Delete its headless Service: \`kubectl -n ${namespace} delete service ${node}\`.`,
    `5. When its event store is no longer needed, delete its claims: \`kubectl -n ${namespace} delete pvc ${claims.join(' ')}\`.`,
    `6. The StorageClasses retain volumes (\`reclaimPolicy: Retain\`): the PersistentVolumes become Released and their disks keep costing money. Find them with \`kubectl get pv -o custom-columns=PV:.metadata.name,CLAIM:.spec.claimRef.name,DISK:.spec.csi.volumeHandle | grep -- '-${node}-0'\`, delete each (\`kubectl delete pv <pv>\`), then the disk it names in your cloud provider.`,
  ];
}

/** A NetworkPolicy removed, or admitting peers or ports it did not, weakens who reaches the pods. */
function networkPolicyChanges(b: KubeObject, a: KubeObject | undefined, object: string, add: Add): void {
  const name = b.metadata.name;
  if (!a) {
    add(
      'blocker',
      'network-policy-weakened',
      object,
      `removes NetworkPolicy ${name}: every pod in the cluster can then reach the pods it protected`,
      [
        'With Axon Server that opens the internal port (8224) and the HTTP port (8024, the REST API and every /actuator endpoint, which need no token) to any pod. Keep the policy; widen it deliberately with `networkPolicy.allowedNamespaces` if something else must reach the nodes.',
      ],
    );
    return;
  }
  const rules = (o: KubeObject) =>
    ((get(o, ['spec', 'ingress']) ?? []) as { from?: unknown[]; ports?: unknown[] }[]).flatMap((r) =>
      (r.from ?? [{ any: true }]).flatMap((peer) =>
        (r.ports ?? [{ anyPort: true }]).map((port) => JSON.stringify([peer, port])),
      ),
    );
  const before = new Set(rules(b));
  const added = rules(a).filter((r) => !before.has(r));
  const selectorChanged = !isDeepStrictEqual(get(b, ['spec', 'podSelector']), get(a, ['spec', 'podSelector']));
  if (added.length > 0 || selectorChanged) {
    add(
      'blocker',
      'network-policy-weakened',
      object,
      `widens NetworkPolicy ${name}: ${added.length > 0 ? `admits ${added.map((r) => describeRule(r)).join('; ')}` : 'selects other pods'}`,
      [
        "Check that whatever is newly admitted must reach these ports; Axon Server's HTTP port (8024) serves the REST API and every /actuator endpoint (env, loggers) without a token. Acknowledge it if intended.",
      ],
    );
  }
}

function describeRule(rule: string): string {
  const [peer, port] = JSON.parse(rule) as [Record<string, unknown>, Record<string, unknown>];
  const from = 'any' in peer ? 'everyone' : JSON.stringify(peer);
  const to = 'anyPort' in port ? 'every port' : `port ${String(port.port)}`;
  return `${from} to ${to}`;
}

/** A pod that loses a restricted control, or a Secret reference that becomes a literal. */
function securityChanges(b: KubeObject, a: KubeObject, object: string, add: Add): void {
  const key = (p: { path: string; message: string }) => `${p.path}: ${p.message}`;
  const had = new Set(checkRestricted(b).map(key));
  const lost = checkRestricted(a)
    .map(key)
    .filter((p) => !had.has(p));
  if (lost.length > 0) {
    add(
      'blocker',
      'pod-security-weakened',
      object,
      `${a.kind} ${a.metadata.name} loses ${lost.length === 1 ? 'a control' : `${lost.length} controls`} of the restricted Pod Security profile`,
      [
        ...lost.map((p) => `- \`${p}\``),
        'A namespace that enforces "restricted" refuses such pods; one that does not runs them with more privilege. Restore the control, or acknowledge it with the reason.',
      ],
    );
  }
  const secretEnv = (o: KubeObject) =>
    new Set(
      (
        (podSpecOf(o)?.spec.containers ?? []) as {
          name: string;
          env?: { name: string; valueFrom?: { secretKeyRef?: unknown } }[];
        }[]
      ).flatMap((c) => (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => `${c.name}/${e.name}`)),
    );
  const literal = (o: KubeObject) =>
    new Set(
      ((podSpecOf(o)?.spec.containers ?? []) as { name: string; env?: { name: string; value?: string }[] }[]).flatMap(
        (c) => (c.env ?? []).filter((e) => e.value !== undefined).map((e) => `${c.name}/${e.name}`),
      ),
    );
  const now = literal(a);
  const moved = [...secretEnv(b)].filter((e) => now.has(e));
  if (moved.length > 0) {
    add(
      'blocker',
      'secret-to-literal',
      object,
      `${a.kind} ${a.metadata.name}: ${moved.map((e) => e.split('/')[1]).join(', ')} no longer ${moved.length === 1 ? 'comes' : 'come'} from a Secret but from a literal in dist/`,
      [
        'A value that was a secret is now written in plain text into Git. Keep it in its Secret; if it really is not a secret, acknowledge this with the reason.',
      ],
    );
  }
}

function applicationChanges(b: KubeObject, a: KubeObject, add: Add): void {
  // The fields the rollout controller owns follow the apps (their own findings say what changes).
  const other = changedFields(b, a).filter(
    (f) => !f.startsWith('spec.destination') && !f.startsWith('spec.ignoreDifferences'),
  );
  if (other.length > 0) {
    add(
      'warning',
      'application-changed',
      `application/${a.metadata.name}`,
      `changes Argo CD Application ${a.metadata.name}: ${other.join(', ')}`,
      [
        'This changes how Argo CD syncs the environment (source, project or sync policy): check that the project allows the destination and the cluster-scoped kinds (StorageClass).',
      ],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Fields a live cluster refuses to change

function immutableChanges(b: KubeObject, a: KubeObject, object: string, namespace: string, add: Add): void {
  const name = a.metadata.name;
  const recreate = (kind: string) =>
    `To change it on purpose: merge (acknowledged), then delete the ${kind} without its pods (\`kubectl -n ${namespace} delete ${kind.toLowerCase()} ${name} --cascade=orphan\`): the next sync recreates it and it adopts the running pods.`;
  const differs = (...path: string[]) => !isDeepStrictEqual(get(b, path), get(a, path));
  if (a.kind === 'StatefulSet') {
    for (const field of ['selector', 'serviceName', 'podManagementPolicy']) {
      if (differs('spec', field)) {
        add(
          'blocker',
          'immutable-field',
          object,
          `changes spec.${field} of StatefulSet ${name}, which Kubernetes does not allow`,
          [
            `The sync would fail with "spec: Forbidden: updates to statefulset spec for fields other than ... are forbidden". ${recreate('StatefulSet')}`,
          ],
        );
      }
    }
    volumeClaimChanges(b, a, object, namespace, add);
  }
  if (a.kind === 'Deployment' && differs('spec', 'selector')) {
    add(
      'blocker',
      'immutable-field',
      object,
      `changes the selector of Deployment ${name}, which Kubernetes does not allow`,
      [
        `The sync would fail (field is immutable). To change it on purpose: delete the Deployment (\`kubectl -n ${namespace} delete deployment ${name}\`) during a window in which its pods may stop, then sync; or release under a new name.`,
      ],
    );
  }
  if (
    a.kind === 'Service' &&
    (get(b, ['spec', 'clusterIP']) === 'None') !== (get(a, ['spec', 'clusterIP']) === 'None')
  ) {
    add(
      'blocker',
      'immutable-field',
      object,
      `turns Service ${name} ${get(a, ['spec', 'clusterIP']) === 'None' ? 'headless' : 'from headless into a ClusterIP Service'}, which Kubernetes does not allow`,
      [
        `clusterIP is immutable. To change it on purpose: delete the Service (\`kubectl -n ${namespace} delete service ${name}\`) and sync; clients lose it for a moment.`,
      ],
    );
  }
  if (a.kind === 'Job' && differs('spec', 'template') && !a.metadata.annotations?.[ARGOCD_HOOK]) {
    add(
      'blocker',
      'immutable-field',
      object,
      `changes the pod template of Job ${name}, which Kubernetes does not allow`,
      [
        `Job templates are immutable. Delete the Job first (\`kubectl -n ${namespace} delete job ${name}\`), or give the new one another name.`,
      ],
    );
  }
  if (a.kind === 'StorageClass') {
    for (const field of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode']) {
      if (differs(field)) {
        add(
          'blocker',
          'immutable-field',
          object,
          `changes ${field} of StorageClass ${name}, which Kubernetes does not allow`,
          [
            'StorageClass parameters are immutable, and existing volumes keep the old ones. To change it on purpose: declare a new class, move new volumes to it, and delete the old class by hand when no claim uses it.',
          ],
        );
      }
    }
  }
}

interface ClaimTemplate {
  metadata: { name: string };
  spec: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
}

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
    if (!o) {
      addedOrRemoved.push(`adds volume ${name}`);
      continue;
    }
    if (!n) {
      addedOrRemoved.push(`removes volume ${name}`);
      continue;
    }
    const oldSize = o.spec.resources?.requests?.storage;
    const newSize = n.spec.resources?.requests?.storage;
    const pvc = claimName(name, sts);
    if (oldSize && newSize && oldSize !== newSize) {
      if (parseQuantity(newSize) < parseQuantity(oldSize)) {
        add('blocker', 'volume-shrink', object, `shrinks volume ${name} of ${sts} from ${oldSize} to ${newSize}`, [
          'Kubernetes cannot shrink a volume, and the claim templates of a StatefulSet are immutable: the sync fails, and forcing it would lose data.',
          `Keep ${oldSize}. To move to a smaller volume, add a new node with the smaller volume, let Axon Server replicate to it, then remove the old node.`,
        ]);
      } else {
        add(
          'blocker',
          'volume-resize',
          object,
          `grows volume ${name} of ${sts} from ${oldSize} to ${newSize}: volume claim templates are immutable, the sync would fail`,
          [
            'Grow the existing claim, then recreate the StatefulSet without touching its pod:',
            `1. \`kubectl -n ${namespace} patch pvc ${pvc} -p '{"spec":{"resources":{"requests":{"storage":"${newSize}"}}}}'\` (the StorageClass allows expansion; wait until \`kubectl -n ${namespace} get pvc ${pvc}\` shows ${newSize})`,
            "2. merge this change (acknowledged below); Argo CD's sync of this StatefulSet fails on the immutable field until step 3",
            `3. \`kubectl -n ${namespace} delete statefulset ${sts} --cascade=orphan\`: the pod and its volumes keep running, and the next sync recreates the StatefulSet from the new template, adopting the pod.`,
          ],
        );
      }
    }
    if (o.spec.storageClassName !== n.spec.storageClassName)
      other.push(
        `moves volume ${name} from StorageClass ${o.spec.storageClassName ?? '(default)'} to ${n.spec.storageClassName ?? '(default)'}`,
      );
    if (!isDeepStrictEqual(o.spec.accessModes, n.spec.accessModes))
      other.push(`changes the access modes of volume ${name}`);
    const rest = (t: ClaimTemplate) => ({
      ...t,
      spec: { ...t.spec, resources: undefined, storageClassName: undefined, accessModes: undefined },
    });
    if (!isDeepStrictEqual(rest(o), rest(n))) other.push(`changes the template of volume ${name}`);
  }
  if (addedOrRemoved.length > 0) {
    add(
      'blocker',
      'immutable-field',
      object,
      `${addedOrRemoved.join(', ')} of StatefulSet ${sts}: volume claim templates are immutable, the sync would fail`,
      [
        `To do this on purpose: merge (acknowledged), then \`kubectl -n ${namespace} delete statefulset ${sts} --cascade=orphan\`; the next sync recreates the StatefulSet and rolls its pod, which gets the new volume set (a removed volume's claim is kept: delete it by hand when its data is no longer needed).`,
      ],
    );
  }
  if (other.length > 0) {
    add(
      'blocker',
      'immutable-field',
      object,
      `${other.join(', ')} of StatefulSet ${sts}: volume claim templates are immutable, the sync would fail`,
      [
        'Existing volumes never change with the template. To do this on purpose, replace the node: add a new node with the new volumes, let it join its replication groups and catch up, then remove the old node.',
      ],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Restarts, image changes

const WORKLOADS = new Set(['StatefulSet', 'Deployment']);
const waveOf = (o: KubeObject) => Number(o.metadata.annotations?.[ARGOCD_SYNC_WAVE] ?? 0);
type Container = { name: string; image: string; env?: { name: string }[] };
const containersOf = (template: unknown) => (get(template, ['spec', 'containers']) ?? []) as Container[];

/**
 * Workloads whose pod template changes (so their pods are replaced), with why: those Argo CD
 * replaces in sync-wave order, then the Axon Server nodes the rollout controller restarts after
 * the sync, in the NodeRollout's order (the StatefulSets are OnDelete: applying them restarts nothing).
 */
export function podRestarts(
  before: Objects,
  after: Objects,
  parts: ReadonlyMap<string, string> = new Map(),
): Restart[] {
  const order = controllerOrder(after);
  const restarts: Restart[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b || !WORKLOADS.has(a.kind)) continue;
    const tb = get(b, ['spec', 'template']);
    const ta = get(a, ['spec', 'template']);
    if (isDeepStrictEqual(tb, ta)) continue;
    const why = restartReason(tb, ta, before, after);
    const place = order.indexOf(a.metadata.name);
    const onDelete = get(a, ['spec', 'updateStrategy', 'type']) === 'OnDelete';
    const part = parts.get(key) ?? '';
    if (a.kind === 'StatefulSet' && onDelete && place >= 0)
      restarts.push({ by: 'controller', wave: place + 1, part, kind: a.kind, name: a.metadata.name, why });
    else restarts.push({ by: 'sync', wave: waveOf(a), part, kind: a.kind, name: a.metadata.name, why });
  }
  const rank = (r: Restart) => (r.by === 'sync' ? 0 : 1);
  return restarts.sort(
    (x, y) => rank(x) - rank(y) || compareText(x.part, y.part) || x.wave - y.wave || compareText(x.name, y.name),
  );
}

/** The StatefulSets the rollout controller restarts, in its order (from the rendered NodeRollout). */
function controllerOrder(objects: Objects): string[] {
  const rollout = [...objects.values()].find((o) => o.kind === NODE_ROLLOUT_KIND);
  const nodes = (get(rollout, ['spec', 'nodes']) ?? []) as { statefulSet: string }[];
  return nodes.map((n) => n.statefulSet);
}

/** Why a pod template changed, in the words of the fields that changed. */
function restartReason(tb: unknown, ta: unknown, before: Objects, after: Objects): string {
  const why: string[] = [];
  const images = (t: unknown) =>
    containersOf(t)
      .map((c) => c.image)
      .join(', ');
  if (images(tb) !== images(ta)) why.push(`image ${images(tb)} → ${images(ta)}`);
  // Configuration revisions are content-named ConfigMaps: a new name is a new configuration.
  const configMaps = (t: unknown) =>
    ((get(t, ['spec', 'volumes']) ?? []) as { configMap?: { name: string } }[])
      .flatMap((v) => (v.configMap ? [v.configMap.name] : []))
      .join(', ');
  if (configMaps(tb) !== configMaps(ta)) {
    // A new revision: the lines of the configuration that changed, not two hash names.
    const names = (t: unknown) => configMaps(t).split(', ').filter(Boolean);
    const lines = names(ta).flatMap((now) => {
      const prefix = revisionPrefixOf(now);
      const was = names(tb).find((n) => n !== now && revisionPrefixOf(n) === prefix);
      const b = was ? before.get(`ConfigMap/${was}`) : undefined;
      const a = after.get(`ConfigMap/${now}`);
      return b && a ? changedValues(get(b, ['data']), get(a, ['data'])) : [];
    });
    why.push(
      lines.length > 0
        ? `configuration ${lines.slice(0, 3).join(', ')}${lines.length > 3 ? `, … ${lines.length - 3} more` : ''}`
        : `configuration ${configMaps(tb)} → ${configMaps(ta)}`,
    );
  }
  const env = (t: unknown) =>
    new Map(containersOf(t).flatMap((c) => (c.env ?? []).map((e) => [`${e.name}`, e] as const)));
  const eb = env(tb);
  const ea = env(ta);
  const changedEnv = [...new Set([...eb.keys(), ...ea.keys()])]
    .filter((k) => !isDeepStrictEqual(eb.get(k), ea.get(k)))
    .sort();
  if (changedEnv.length > 0)
    why.push(`environment: ${changedEnv.slice(0, 3).join(', ')}${changedEnv.length > 3 ? ', …' : ''}`);
  if (why.length === 0) why.push(`pod template changed (${changedFields(tb, ta).slice(0, 3).join(', ')})`);
  return why.join('; ');
}

/** A warning with the roll order when the Axon Server image changes. */
export function axonImageChanges(before: Objects, after: Objects, restarts: readonly Restart[], add: Add): void {
  const changed = restarts.filter((r) => r.kind === 'StatefulSet' && r.why.includes('image '));
  if (changed.length === 0) return;
  const byController = changed.filter((r) => r.by === 'controller');
  const bySync = changed.filter((r) => r.by === 'sync');
  const image = (name: string, side: Objects) =>
    containersOf(get(side.get(`StatefulSet/${name}`), ['spec', 'template']))[0]?.image;
  add(
    'warning',
    'axon-image-change',
    'statefulset/*',
    `changes the Axon Server image (${image(changed[0].name, before)} → ${image(changed[0].name, after)}) on ${changed.length} node${changed.length === 1 ? '' : 's'}`,
    [
      ...(byController.length > 0
        ? [
            `After the sync, the rollout controller restarts one node at a time: ${byController.map((r) => r.name).join(', ')}, the current leader of a replication group after the others. It restarts a node only when every node is ready and caught up with its leaders and the node's groups keep their majority without it, and the next only when the node is back in its groups and has been for settleSeconds; it waits (and turns Degraded after stuckAfterSeconds) rather than guess. Follow it with \`kubectl get noderollout\` or in Argo CD.`,
          ]
        : []),
      ...(bySync.length > 0
        ? [
            `Argo CD replaces these nodes when it applies them: ${bySync.map((r) => `${r.name} (wave ${r.wave})`).join(', ')}.`,
          ]
        : []),
      'Read the Axon Server release notes for upgrade steps first (some versions must be passed through).',
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Field-level diff

/** Paths where two values differ, collapsed below `depth` segments. */
export function changedFields(a: unknown, b: unknown, depth = 6): string[] {
  const out = new Set<string>();
  const walk = (x: unknown, y: unknown, path: string, level: number) => {
    if (isDeepStrictEqual(x, y)) return;
    const bothObjects =
      x !== null &&
      y !== null &&
      typeof x === 'object' &&
      typeof y === 'object' &&
      Array.isArray(x) === Array.isArray(y);
    if (!bothObjects || level >= depth) {
      out.add(path || '(whole object)');
      return;
    }
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of [...keys].sort()) {
      const seg = Array.isArray(x) ? `[${k}]` : path ? `.${k}` : k;
      walk((x as Json)[k], (y as Json)[k], `${path}${seg}`, level + 1);
    }
  };
  walk(a, b, '', 0);
  return [...out];
}
