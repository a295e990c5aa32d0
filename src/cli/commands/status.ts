/**
 * axon-deploy status <env>: what the rollout controller of an environment reports, read from the
 * cluster (the NodeRollout's status): the phase and why, each node's revision, state, roles and
 * lag, the last restart and the registration. As text, or as JSON for scripts.
 */
import { NODE_ROLLOUT_NAME, NodeRollout, NodeRolloutStatus } from '../../controller/api';
import { KubeClient, KubeError, RESOURCES } from '../../kube/client';
import { table } from '../../util/text';
import { Command, stringOption, UsageError } from '../args';
import { clusterConnection, CLUSTER_OPTIONS, namespaceFor } from '../cluster-access';

/** Exit statuses beyond 0 (read) and 2 (usage). */
const STUCK = 1;
const UNREACHABLE = 3;

export const statusCommand: Command = {
  name: 'status',
  summary: "show what an environment's rollout controller reports: phase, reason, every node",
  positionals: '<env>',
  maxPositionals: 1,
  options: [
    ...CLUSTER_OPTIONS,
    {
      name: 'format',
      type: 'string',
      value: 'text|json',
      default: 'text',
      description: 'text for people; json: the NodeRollout status as the controller wrote it.',
    },
  ],
  notes: [
    'It needs only `get` on noderollouts.axon-deploy.io in the namespace. The same is in `kubectl get noderollout axonserver -o yaml` and, with the health check of dist/cluster installed, in Argo CD.',
  ],
  exitCodes: [
    [0, 'read (Idle, Installing, Rolling, Waiting or Paused)'],
    [STUCK, 'the rollout is Stuck: it waited longer than stuckAfterSeconds for the same reason'],
    [2, 'usage error'],
    [UNREACHABLE, 'the cluster could not be reached, or the environment has no NodeRollout yet'],
  ],
  async run(args, io) {
    const format = stringOption(args, 'format', 'text');
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: expected text or json`);
    const namespace = namespaceFor('status', args, io.cwd);
    const connection = clusterConnection(args, io.env, io.cwd);
    let rollout: NodeRollout | undefined;
    try {
      rollout = await new KubeClient(connection).get<NodeRollout>(RESOURCES.nodeRollouts, namespace, NODE_ROLLOUT_NAME);
    } catch (err) {
      io.stderr(`axon-deploy status: ${err instanceof KubeError ? err.message : String(err)}\n`);
      return UNREACHABLE;
    }
    if (!rollout) {
      io.stderr(
        `axon-deploy status: no NodeRollout ${NODE_ROLLOUT_NAME} in ${namespace}: the environment has not been synced yet (or the namespace is wrong)\n`,
      );
      return UNREACHABLE;
    }
    if (format === 'json') io.stdout(`${JSON.stringify({ namespace, status: rollout.status ?? null }, null, 2)}\n`);
    else io.stdout(statusText(namespace, rollout, Date.now()));
    return rollout.status?.phase === 'Stuck' ? STUCK : 0;
  },
};

/** The status in words and a table of the nodes. */
export function statusText(namespace: string, rollout: NodeRollout, now: number): string {
  const status: NodeRolloutStatus | undefined = rollout.status;
  const title = `${namespace} NodeRollout/${rollout.metadata.name}`;
  if (!status) return `${title}: no status yet: the rollout controller has not reported (is it running?)\n`;
  const stale =
    rollout.metadata.generation !== undefined &&
    (status.observedGeneration === undefined || status.observedGeneration < rollout.metadata.generation);
  const since = status.waitingSince
    ? ` since ${status.waitingSince} (${ago(now - Date.parse(status.waitingSince))})`
    : '';
  const lines = [
    `${title}: ${status.phase}${since}`,
    `  ${status.message}`,
    ...(stale ? ['  (the controller has not acted on the latest spec yet)'] : []),
    '',
    ...table([
      ['node', 'state', 'revision', 'in cluster', 'roles', 'behind the leader'],
      ...status.nodes.map((n) => [
        n.name,
        n.state,
        n.revision,
        n.inCluster ? 'yes' : 'no',
        n.roles.join(', '),
        Object.entries(n.lag ?? {})
          .map(([group, lag]) => `${group} ${lag}`)
          .join(', ') || '-',
      ]),
    ]),
  ];
  if (status.lastRestart)
    lines.push(
      '',
      `last restart: ${status.lastRestart.node} at ${status.lastRestart.at}: ${status.lastRestart.reason}`,
    );
  if (status.registration)
    lines.push(
      `registration: ${status.registration.problem ? `failed: ${status.registration.problem}` : 'current'} (${status.registration.at})`,
    );
  return `${lines.join('\n')}\n`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
