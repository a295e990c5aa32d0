/**
 * axon-deploy status <env>: what the rollout controller of an environment reports, read from the
 * cluster (the NodeRollout's status): the phase and why, each node's revision, state, roles and
 * lag, the last restart and the registration. As text, or as JSON for scripts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigDirectory } from '../../config/loader';
import { NODE_ROLLOUT_NAME, NodeRollout, NodeRolloutStatus } from '../../controller/api';
import { KubeClient, KubeError, RESOURCES } from '../../kube/client';
import { kubeconfigConnection } from '../../kube/kubeconfig';
import { table } from '../../util/text';
import { Command, stringOption, UsageError } from '../args';

/** Exit statuses beyond 0 (read) and 2 (usage). */
const STUCK = 1;
const UNREACHABLE = 3;

export const statusCommand: Command = {
  name: 'status',
  summary: "show what an environment's rollout controller reports: phase, reason, every node",
  positionals: '<env>',
  maxPositionals: 1,
  options: [
    {
      name: 'config',
      type: 'string',
      value: '<dir>',
      default: 'config',
      description: 'Directory of the environment files: <env>.yaml names the namespace.',
    },
    {
      name: 'namespace',
      short: 'n',
      type: 'string',
      value: '<namespace>',
      description: 'The namespace, instead of reading it from config/<env>.yaml.',
    },
    {
      name: 'kubeconfig',
      type: 'string',
      value: '<file>',
      default: '$KUBECONFIG (its first file), else ~/.kube/config',
      description: 'The kubeconfig to connect with.',
    },
    {
      name: 'context',
      type: 'string',
      value: '<name>',
      default: "the kubeconfig's current context",
      description: 'The kubeconfig context.',
    },
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
    const env = args.positionals[0];
    if (!env && typeof args.values.namespace !== 'string')
      throw new UsageError('status needs an environment (or --namespace)');
    const format = stringOption(args, 'format', 'text');
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format}: expected text or json`);
    const namespace =
      typeof args.values.namespace === 'string'
        ? args.values.namespace
        : namespaceOf(env, stringOption(args, 'config', 'config'), io.cwd);
    const kubeconfig = kubeconfigFile(args.values.kubeconfig, io.env, io.cwd);
    let connection;
    try {
      connection = kubeconfigConnection(
        kubeconfig,
        typeof args.values.context === 'string' ? args.values.context : undefined,
      );
    } catch (err) {
      throw new UsageError(`cannot use the kubeconfig ${kubeconfig}: ${(err as Error).message}`);
    }
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

function namespaceOf(env: string, configDir: string, cwd: string): string {
  const loaded = loadConfigDirectory(path.resolve(cwd, configDir), cwd);
  const found = loaded.environments.find((e) => e.name === env);
  if (found) return found.config.namespace;
  const known = loaded.environments.map((e) => e.name);
  throw new UsageError(
    known.length > 0
      ? `no valid environment ${env} in ${configDir}/ (environments: ${known.join(', ')}); or give --namespace`
      : `no valid environment ${env} in ${configDir}/; run axon-deploy validate, or give --namespace`,
  );
}

/** The kubeconfig file, as kubectl finds it. */
function kubeconfigFile(option: unknown, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (typeof option === 'string') return path.resolve(cwd, option);
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  const first = fromEnv.find((f) => fs.existsSync(f));
  if (first) return path.resolve(cwd, first);
  if (fromEnv.length > 0) throw new UsageError(`none of the files in KUBECONFIG exists: ${fromEnv.join(', ')}`);
  return path.join(env.HOME ?? os.homedir(), '.kube', 'config');
}

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
