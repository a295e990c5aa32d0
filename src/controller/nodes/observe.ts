/**
 * One look at the nodes: their StatefulSets, pods and data claims from Kubernetes, and the
 * cluster as Axon Server reports it — membership and leaders from an `_admin` node, each running
 * node's Raft status, each group leader's health page. Thin: it reads, decide.ts concludes.
 */
import { AxonAnswer, AxonClient } from '../../axon/client';
import type { HealthJson, RaftGroupStatusJson, ReplicationGroupJson } from '../../axon/rest';
import { RESOURCES } from '../../kube/client';
import { conditionOf, PersistentVolumeClaim, Pod, StatefulSet } from '../../kube/objects';
import { RESTORED_FROM_ANNOTATION } from '../../domain/keys';
import { NODE_SELECTOR } from '../../domain/names';
import { IN_CLUSTER_CONDITION, NodeRollout, PAUSE_ANNOTATION, RESTART_ANNOTATION, START_GATE } from '../api';
import type { ControllerContext } from '../context';
import { readCa, readSecret } from '../secrets';
import type { AxonView, ClaimView, NodeObservation, PodView, Seen, StatefulSetView } from './observed';

const REVISION_LABEL = 'controller-revision-hash';

export async function observeNodes(ctx: ControllerContext, rollout: NodeRollout): Promise<NodeObservation> {
  const { kube, namespace } = ctx;
  const [statefulSets, pods, claims] = await Promise.all([
    kube.list<StatefulSet>(RESOURCES.statefulSets, namespace, { labelSelector: NODE_SELECTOR }),
    kube.list<Pod>(RESOURCES.pods, namespace, { labelSelector: NODE_SELECTOR }),
    kube.list<PersistentVolumeClaim>(RESOURCES.persistentVolumeClaims, namespace, { labelSelector: NODE_SELECTOR }),
  ]);
  const podViews = new Map(pods.map((p) => [p.metadata.name, podView(p)]));
  const requested = rollout.metadata.annotations?.[RESTART_ANNOTATION];
  return {
    spec: rollout.spec,
    generation: rollout.metadata.generation,
    previous: rollout.status,
    restartRequestedAt: requested ? Date.parse(requested) : undefined,
    paused: rollout.spec.rollout.paused || rollout.metadata.annotations?.[PAUSE_ANNOTATION] === 'true',
    statefulSets: new Map(statefulSets.map((s) => [s.metadata.name, statefulSetView(s)])),
    pods: podViews,
    claims: new Map(claims.map((c) => [c.metadata.name, claimView(c)])),
    axon: rollout.spec.edition === 'enterprise' ? await observeAxon(ctx, rollout, podViews) : undefined,
    now: ctx.now(),
  };
}

function statefulSetView(s: StatefulSet): StatefulSetView {
  return {
    name: s.metadata.name,
    updateRevision: s.status?.updateRevision,
    observed: (s.status?.observedGeneration ?? 0) >= (s.metadata.generation ?? 0),
  };
}

export function podView(p: Pod): PodView {
  const ready = conditionOf(p, 'Ready');
  const gate = conditionOf(p, IN_CLUSTER_CONDITION);
  return {
    name: p.metadata.name,
    uid: p.metadata.uid,
    revision: p.metadata.labels?.[REVISION_LABEL],
    deleting: p.metadata.deletionTimestamp !== undefined,
    gated: (p.spec?.schedulingGates ?? []).some((g) => g.name === START_GATE),
    scheduled: p.spec?.nodeName !== undefined,
    containersReady: conditionOf(p, 'ContainersReady')?.status === 'True',
    inCluster: gate ? gate.status === 'True' : undefined,
    readySince: ready?.status === 'True' && ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : undefined,
    startedAt: p.status?.startTime ? Date.parse(p.status.startTime) : undefined,
  };
}

function claimView(c: PersistentVolumeClaim): ClaimView {
  return {
    name: c.metadata.name,
    createdAt: Date.parse(c.metadata.creationTimestamp ?? '1970-01-01T00:00:00Z'),
    restored: c.metadata.annotations?.[RESTORED_FROM_ANNOTATION] !== undefined,
  };
}

/** A client for the cluster's REST API, with the system token and the CA of the spec. */
export async function axonClient(ctx: ControllerContext, rollout: NodeRollout): Promise<AxonClient> {
  const ax = rollout.spec.axonServer;
  const token = await readSecret(ctx, ax.systemToken);
  const ca = await readCa(ctx, ax.ca);
  return new AxonClient({
    endpoint:
      ctx.axonEndpoint ??
      ((node, port) => `${ax.scheme}://${node}.${ax.domain}:${port === 'http' ? ax.httpPort : ax.managementPort}`),
    token: () => token,
    ca,
    timeoutMs: ctx.axonTimeoutMs,
  });
}

async function observeAxon(
  ctx: ControllerContext,
  rollout: NodeRollout,
  pods: ReadonlyMap<string, PodView>,
): Promise<AxonView> {
  const spec = rollout.spec;
  const running = spec.nodes.filter((n) => pods.get(n.pod)?.containersReady);
  const client = await axonClient(ctx, rollout);
  try {
    const [groups, raft] = await Promise.all([
      adminView(
        client,
        running.filter((n) => n.admin).map((n) => n.name),
      ),
      Promise.all(
        running.map(
          async (n) =>
            [n.name, seen(await client.get<RaftGroupStatusJson[]>(n.name, 'http', '/internal/raft/status'))] as const,
        ),
      ),
    ]);
    const leaders = groups.ok
      ? [...new Set(groups.value.groups.flatMap((g) => (g.leader ? [g.leader] : [])))].filter((l) =>
          running.some((n) => n.name === l),
        )
      : [];
    const health = await Promise.all(
      leaders.map(async (l) => [l, seen(await client.get<HealthJson>(l, 'management', '/actuator/health'))] as const),
    );
    return { groups, raft: new Map(raft), health: new Map(health) };
  } finally {
    client.close();
  }
}

/** The groups as the first `_admin` node that answers sees them. */
async function adminView(
  client: AxonClient,
  admins: readonly string[],
): Promise<Seen<{ from: string; groups: readonly ReplicationGroupJson[] }>> {
  const problems: string[] = [];
  for (const node of admins) {
    const answer = await client.get<ReplicationGroupJson[]>(node, 'http', '/v1/public/replicationgroups');
    if (answer.ok && Array.isArray(answer.value)) return { ok: true, value: { from: node, groups: answer.value } };
    problems.push(answer.ok ? `${node}: the answer is not a list` : answer.problem);
  }
  return { ok: false, problem: problems.join('; ') || 'no _admin node is running' };
}

function seen<T>(answer: AxonAnswer<T>): Seen<T> {
  return answer.ok ? { ok: true, value: answer.value } : { ok: false, problem: answer.problem };
}
