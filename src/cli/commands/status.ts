/**
 * axon-deploy status <env>: what the rollout controller of an environment reports, read from the
 * cluster: the nodes (the NodeRollout: phase and why, each node's revision, state, roles and lag,
 * the last restart, the registration) and each blue/green app (its AppRelease: which colour
 * serves, each colour's declared and effective phase, ready pods, processor lag, subscriptions,
 * whether it could serve now). As text, or as JSON for scripts.
 */
import {
  AppRelease,
  AppReleaseStatus,
  NODE_ROLLOUT_NAME,
  NodeRollout,
  NodeRolloutStatus,
  ReleaseColor,
} from '../../controller/api';
import { KubeClient, KubeError, RESOURCES } from '../../kube/client';
import { table } from '../../util/text';
import { Command, stringOption, UsageError } from '../args';
import { clusterConnection, CLUSTER_OPTIONS, namespaceFor } from '../cluster-access';

/** Exit statuses beyond 0 (read) and 2 (usage). */
const STUCK = 1;
const UNREACHABLE = 3;

export const statusCommand: Command = {
  name: 'status',
  summary: "show what an environment's rollout controller reports: every node, and which colour of each app serves",
  positionals: '<env>',
  maxPositionals: 1,
  options: [
    ...CLUSTER_OPTIONS,
    {
      name: 'format',
      type: 'string',
      value: 'text|json',
      default: 'text',
      description:
        'text for people; json: { namespace, nodes, apps }, the NodeRollout and AppRelease statuses as the controller wrote them.',
    },
  ],
  notes: [
    'It needs only `get` and `list` on noderollouts and appreleases (axon-deploy.io) in the namespace. The same is in `kubectl get noderollout,apprelease -o yaml` and, with the health check of dist/cluster installed, in Argo CD.',
  ],
  exitCodes: [
    [0, 'read, nothing stuck or failed'],
    [
      STUCK,
      "the node rollout is Stuck (it waited longer than stuckAfterSeconds for the same reason), or an app's switch Failed",
    ],
    [2, 'usage error'],
    [UNREACHABLE, 'the cluster could not be reached, or the environment has no NodeRollout yet'],
  ],
  async run(args, io) {
    const format = stringOption(args, 'format', 'text');
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: expected text or json`);
    const namespace = namespaceFor('status', args, io.cwd);
    const connection = clusterConnection(args, io.env, io.cwd);
    let rollout: NodeRollout | undefined;
    let releases: AppRelease[] = [];
    const kube = new KubeClient(connection);
    try {
      rollout = await kube.get<NodeRollout>(RESOURCES.nodeRollouts, namespace, NODE_ROLLOUT_NAME);
      if (rollout) releases = await kube.list<AppRelease>(RESOURCES.appReleases, namespace);
    } catch (err) {
      io.stderr(`axon-deploy status: ${err instanceof KubeError ? err.message : String(err)}\n`);
      return UNREACHABLE;
    } finally {
      kube.close();
    }
    if (!rollout) {
      io.stderr(
        `axon-deploy status: no NodeRollout ${NODE_ROLLOUT_NAME} in ${namespace}: the environment has not been synced yet (or the namespace is wrong)\n`,
      );
      return UNREACHABLE;
    }
    if (format === 'json') {
      const apps = Object.fromEntries(releases.map((r) => [r.metadata.name, r.status ?? null]));
      io.stdout(`${JSON.stringify({ namespace, nodes: rollout.status ?? null, apps }, null, 2)}\n`);
    } else {
      io.stdout(statusText(namespace, rollout, Date.now()));
      for (const r of releases) io.stdout(`\n${releaseText(namespace, r, Date.now())}`);
    }
    const failed = releases.some((r) => r.status?.phase === 'Failed');
    return rollout.status?.phase === 'Stuck' || failed ? STUCK : 0;
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

/** An app's release in words and a table of its colours. */
export function releaseText(namespace: string, release: AppRelease, now: number): string {
  const status: AppReleaseStatus | undefined = release.status;
  const title = `${namespace} AppRelease/${release.metadata.name}`;
  if (!status) return `${title}: no status yet: the rollout controller has not reported (is it running?)\n`;
  const since =
    status.phase !== 'Idle' && status.waitingSince
      ? ` since ${status.waitingSince} (${ago(now - Date.parse(status.waitingSince))})`
      : '';
  const colors: ReleaseColor[] = ['blue', 'green'];
  const rows = colors.flatMap((c) => {
    const s = status.colors[c];
    if (!s) return [];
    const lags = (s.processors ?? []).map((p) => (p.behind ? `${p.name} ${p.behind}` : `${p.name} ${p.lag ?? '?'}`));
    return [
      [
        c,
        s.version,
        s.declaredPhase,
        s.effectivePhase,
        c === status.serving ? 'yes' : 'no',
        String(s.readyReplicas),
        s.commands === undefined ? '?' : `${s.commands} commands, ${s.queries ?? 0} queries`,
        s.readyToServe ? 'yes' : 'no',
        lags.join('; ') || '-',
      ],
    ];
  });
  const lines = [
    `${title}: ${status.phase}${since}${status.serving ? `, ${status.serving} serves` : ''}`,
    `  ${status.message}`,
    '',
    ...table([
      [
        'colour',
        'version',
        'declared',
        'effective',
        'live',
        'ready pods',
        'handlers',
        'ready to serve',
        'processors (events behind)',
      ],
      ...rows,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
