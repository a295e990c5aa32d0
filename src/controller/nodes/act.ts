/**
 * Carries out a node decision: the readiness-gate conditions, the one action (let a pod start,
 * or restart a node), the NodeRollout's status and the Event. A pod deletion names the pod's uid,
 * so a pod recreated since the observation is never deleted by mistake.
 */
import { isDeepStrictEqual } from 'node:util';
import { RESOURCES } from '../../kube/client';
import type { Pod } from '../../kube/objects';
import { IN_CLUSTER_CONDITION, NODE_ROLLOUT_KIND, NodeRollout, NodeRolloutStatus, START_GATE } from '../api';
import type { ControllerContext } from '../context';
import { emitEvent, subjectOf } from '../events';
import type { NodeAction, NodeDecision, PodCondition } from './decide';

export async function actOnNodes(ctx: ControllerContext, rollout: NodeRollout, decision: NodeDecision): Promise<void> {
  for (const condition of decision.conditions) await setCondition(ctx, condition);
  if (decision.action) await act(ctx, decision.action);
  await writeStatus(ctx, rollout, decision.status);
  if (decision.event) await emitEvent(ctx, subjectOf(NODE_ROLLOUT_KIND, rollout.metadata), decision.event);
}

async function setCondition(ctx: ControllerContext, c: PodCondition): Promise<void> {
  await ctx.kube.patch(
    RESOURCES.pods,
    ctx.namespace,
    c.pod,
    {
      status: {
        conditions: [
          {
            type: IN_CLUSTER_CONDITION,
            status: c.inCluster ? 'True' : 'False',
            reason: c.inCluster ? 'InCluster' : 'NotInCluster',
            message: c.message,
            lastTransitionTime: new Date(ctx.now()).toISOString(),
          },
        ],
      },
    },
    'strategic',
    'status',
  );
}

async function act(ctx: ControllerContext, action: NodeAction): Promise<void> {
  if (action.kind === 'restart') {
    ctx.metrics.inc('axon_deploy_node_restarts_total', 'Nodes the controller restarted.', { node: action.node });
    await ctx.kube.delete(RESOURCES.pods, ctx.namespace, action.pod, { uid: action.uid });
    return;
  }
  const pod = await ctx.kube.get<Pod>(RESOURCES.pods, ctx.namespace, action.pod);
  const index = (pod?.spec?.schedulingGates ?? []).findIndex((g) => g.name === START_GATE);
  if (index < 0) return;
  // The test makes the patch fail if the gates changed since they were read.
  await ctx.kube.patch(
    RESOURCES.pods,
    ctx.namespace,
    action.pod,
    [
      { op: 'test', path: `/spec/schedulingGates/${index}/name`, value: START_GATE },
      { op: 'remove', path: `/spec/schedulingGates/${index}` },
    ],
    'json',
  );
}

async function writeStatus(ctx: ControllerContext, rollout: NodeRollout, status: NodeRolloutStatus): Promise<void> {
  const { waitingSince: _a, conditions: before, ...was } = rollout.status ?? ({} as Partial<NodeRolloutStatus>);
  const { waitingSince: _b, conditions: after, ...now } = status;
  const same = isDeepStrictEqual(was, now) && isDeepStrictEqual(before?.map(stripTime), after.map(stripTime));
  if (same && rollout.status?.waitingSince === status.waitingSince) return;
  await ctx.kube.patch(RESOURCES.nodeRollouts, ctx.namespace, rollout.metadata.name, { status }, 'merge', 'status');
}

const stripTime = <T extends { lastTransitionTime?: string }>(c: T) => ({ ...c, lastTransitionTime: undefined });
