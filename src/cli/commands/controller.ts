/**
 * axon-deploy controller <env>: runs an environment's rollout controller out of the cluster, with
 * the user's kubeconfig — the same loop the in-cluster Deployment runs (src/controller/run.ts),
 * the same Lease (so it acts only when the in-cluster one does not), until SIGINT or SIGTERM. The
 * rehearsals run it this way, and so can an operator whose in-cluster controller cannot run.
 */
import * as os from 'node:os';
import type { AxonPort } from '../../axon/client';
import { DEFAULT_LEASE_TIMINGS, LeaseTimings } from '../../controller/lease';
import { runController } from '../../controller/run';
import { KubeClient } from '../../kube/client';
import { Command, ParsedArgs, UsageError } from '../args';
import { clusterConnection, CLUSTER_OPTIONS, namespaceFor } from '../cluster-access';

export const controllerCommand: Command = {
  name: 'controller',
  summary: "run an environment's rollout controller from here, with your kubeconfig, until interrupted",
  positionals: '<env>',
  maxPositionals: 1,
  options: [
    ...CLUSTER_OPTIONS,
    {
      name: 'axon-url',
      type: 'string',
      multiple: true,
      value: '<node>[:management]=<url>',
      description:
        "Where a node's REST port (or with :management its actuator port) is reachable from here, e.g. through kubectl port-forward; default: its cluster DNS name, which resolves only in the cluster.",
    },
    {
      name: 'poll-seconds',
      type: 'string',
      value: '<seconds>',
      default: '5',
      description: 'Seconds between passes.',
    },
    {
      name: 'lease-seconds',
      type: 'string',
      value: '<seconds>',
      default: String(DEFAULT_LEASE_TIMINGS.durationMs / 1000),
      description: 'How long the Lease holds without renewal: a stopped instance is replaced after this.',
    },
    {
      name: 'axon-timeout-seconds',
      type: 'string',
      value: '<seconds>',
      default: '5',
      description: 'Seconds an Axon Server request may take (then the controller waits).',
    },
    {
      name: 'identity',
      type: 'string',
      value: '<name>',
      default: '<host>/<pid>',
      description: 'Who this instance is in the Lease.',
    },
  ],
  notes: [
    'It needs what the rendered Role gives the in-cluster controller (pods, pods/status, StatefulSets, claims, the NodeRollout and its status, Events, the Lease, the Secrets it names). Stop it with Ctrl-C: it finishes its pass and gives the Lease up.',
  ],
  exitCodes: [
    [0, 'stopped by SIGINT or SIGTERM'],
    [2, 'usage error'],
  ],
  async run(args, io) {
    const endpoint = axonUrls(args);
    const pollMs = seconds(args, 'poll-seconds', 5) * 1000;
    const axonTimeoutMs = seconds(args, 'axon-timeout-seconds', 5) * 1000;
    const leaseMs = seconds(args, 'lease-seconds', DEFAULT_LEASE_TIMINGS.durationMs / 1000) * 1000;
    const namespace = namespaceFor('controller', args, io.cwd);
    const connection = clusterConnection(args, io.env, io.cwd);
    const lease: LeaseTimings = {
      durationMs: leaseMs,
      renewDeadlineMs: Math.round((leaseMs * 2) / 3),
      retryMs: Math.max(100, Math.round(leaseMs / 8)),
    };
    const controller = runController({
      kube: new KubeClient(connection),
      namespace,
      identity: typeof args.values.identity === 'string' ? args.values.identity : `${os.hostname()}/${process.pid}`,
      pollMs,
      lease,
      axonEndpoint: endpoint,
      axonTimeoutMs,
      log: (line) => io.stdout(`${new Date().toISOString()} ${line}\n`),
    });
    io.stdout(`${new Date().toISOString()} the rollout controller of ${namespace} runs (Ctrl-C stops it)\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    await controller.stop();
    io.stdout(`${new Date().toISOString()} stopped; the Lease is released\n`);
    return 0;
  },
};

/** A positive number of seconds from an option. */
function seconds(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} ${String(raw)}: expected a positive number of seconds`);
  return value;
}

/** The --axon-url overrides, as the controller's endpoint function (undefined: cluster DNS). */
function axonUrls(args: ParsedArgs): ((node: string, port: AxonPort) => string) | undefined {
  const given = args.values['axon-url'];
  const list = Array.isArray(given) ? given : [];
  if (list.length === 0) return undefined;
  const urls = new Map<string, string>();
  for (const entry of list) {
    const match = /^([a-z0-9-]+)(?::(http|management))?=(https?:\/\/\S+)$/.exec(entry);
    if (!match) throw new UsageError(`--axon-url ${entry}: expected <node>=<url> or <node>:management=<url>`);
    urls.set(`${match[1]}:${match[2] ?? 'http'}`, match[3].replace(/\/$/, ''));
  }
  return (node, port) => {
    const url = urls.get(`${node}:${port}`);
    if (!url) throw new Error(`no --axon-url for ${node}${port === 'http' ? '' : `:${port}`}`);
    return url;
  };
}
