/**
 * The controller's loop, level-triggered as controller-runtime's reconcilers are: every pass reads
 * the cluster afresh, decides (a pure function), acts at most once, and writes what it concluded
 * to the NodeRollout's status. Nothing is kept in memory that a restarted controller would need:
 * it picks up exactly where the last one stopped. Only the instance that holds the Lease acts.
 *
 * It serves /metrics (Prometheus) and /healthz on its port.
 */
import * as http from 'node:http';
import type { AxonPort } from '../axon/client';
import { KubeClient, RESOURCES } from '../kube/client';
import { AppRelease, NODE_ROLLOUT_NAME, NodeRollout } from './api';
import type { ControllerContext } from './context';
import { DEFAULT_LEASE_TIMINGS, LeaderElection, LeaseTimings } from './lease';
import { Metrics } from './metrics';
import { actOnNodes } from './nodes/act';
import { decideNodes, NodeDecision } from './nodes/decide';
import { axonClient, observeNodes } from './nodes/observe';
import { register } from './registration';
import { actOnRelease } from './releases/act';
import { decideRelease, ReleaseDecision } from './releases/decide';
import { observeRelease } from './releases/observe';

export const LEASE_NAME = 'axon-deploy-controller';

export interface ControllerOptions {
  readonly kube: KubeClient;
  readonly namespace: string;
  /** Who this instance is in the Lease (the pod name, or host and pid outside the cluster). */
  readonly identity: string;
  readonly pollMs: number;
  readonly lease?: LeaseTimings;
  readonly axonEndpoint?: (node: string, port: AxonPort) => string;
  readonly axonTimeoutMs?: number;
  /** Port of /metrics and /healthz; undefined: none. */
  readonly port?: number;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

export interface RunningController {
  /** Stops after the current pass and gives the Lease up. */
  stop(): Promise<void>;
  /** Stops at once, as a killed process would: the Lease is left to expire. */
  kill(): void;
  readonly metrics: Metrics;
}

export function runController(options: ControllerOptions): RunningController {
  const metrics = new Metrics();
  const log = options.log ?? ((line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  const ctx: ControllerContext = {
    kube: options.kube,
    namespace: options.namespace,
    axonEndpoint: options.axonEndpoint,
    axonTimeoutMs: options.axonTimeoutMs ?? 5_000,
    metrics,
    now: options.now ?? Date.now,
    log,
  };
  const election = new LeaderElection(
    options.kube,
    options.namespace,
    LEASE_NAME,
    options.identity,
    options.lease ?? DEFAULT_LEASE_TIMINGS,
    ctx.now,
  );
  let running = true;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });
  const server = options.port !== undefined ? serve(options.port, metrics, () => running) : undefined;
  const loop = (async () => {
    let leading = false;
    while (running) {
      const now = await election.tryAcquireOrRenew();
      if (now !== leading)
        log(now ? `${options.identity} leads: acting` : `${options.identity} does not hold the Lease: waiting`);
      leading = now;
      metrics.set(
        'axon_deploy_controller_leader',
        'Whether this instance holds the Lease and acts.',
        {},
        leading ? 1 : 0,
      );
      if (leading) await pass(ctx, () => running && election.leading);
      if (running) await sleep(leading ? options.pollMs : (options.lease ?? DEFAULT_LEASE_TIMINGS).retryMs);
    }
  })();
  return {
    metrics,
    async stop() {
      running = false;
      wake?.();
      await loop;
      await election.release();
      server?.close();
      options.kube.close();
    },
    kill() {
      running = false;
      wake?.();
      server?.close();
      options.kube.close();
    },
  };
}

/** One pass over the environment's NodeRollout and its AppReleases; errors are logged and counted, never fatal. */
async function pass(ctx: ControllerContext, stillLeading: () => boolean): Promise<void> {
  await nodesPass(ctx, stillLeading);
  await releasesPass(ctx, stillLeading);
}

async function releasesPass(ctx: ControllerContext, stillLeading: () => boolean): Promise<void> {
  let releases: AppRelease[];
  try {
    releases = await ctx.kube.list<AppRelease>(RESOURCES.appReleases, ctx.namespace);
  } catch (err) {
    ctx.metrics.inc('axon_deploy_controller_errors_total', 'Passes that failed (the next pass starts afresh).');
    ctx.log(`listing the AppReleases failed: ${(err as Error).message}`);
    return;
  }
  for (const release of releases) {
    try {
      const decision = decideRelease(await observeRelease(ctx, release));
      if (!stillLeading()) return;
      await actOnRelease(ctx, release, decision);
      recordRelease(ctx, release.spec.app, decision);
    } catch (err) {
      ctx.metrics.inc('axon_deploy_controller_errors_total', 'Passes that failed (the next pass starts afresh).');
      ctx.log(`AppRelease/${release.metadata.name}: the pass failed: ${(err as Error).message}`);
    }
  }
}

function recordRelease(ctx: ControllerContext, app: string, d: ReleaseDecision): void {
  const m = ctx.metrics;
  m.set(
    'axon_deploy_release_failed',
    "Whether the app's last promotion failed (1) and waits for a change or a retry.",
    { app },
    d.status.phase === 'Failed' ? 1 : 0,
  );
  for (const [color, status] of Object.entries(d.status.colors)) {
    if (!status) continue;
    m.set(
      'axon_deploy_release_ready_to_serve',
      'Whether a colour could serve now: caught up, a pod ready.',
      { app, color },
      status.readyToServe ? 1 : 0,
    );
    m.set(
      'axon_deploy_release_serving',
      'Whether a colour is the one the live Service selects.',
      { app, color },
      d.status.serving === color ? 1 : 0,
    );
    for (const p of status.processors ?? []) {
      if (p.lag !== undefined)
        m.set(
          'axon_deploy_release_processor_lag_events',
          "Events a colour's processor is behind the head of the event store.",
          { app, color, processor: p.name },
          p.lag,
        );
    }
  }
}

async function nodesPass(ctx: ControllerContext, stillLeading: () => boolean): Promise<void> {
  try {
    const rollout = await ctx.kube.get<NodeRollout>(RESOURCES.nodeRollouts, ctx.namespace, NODE_ROLLOUT_NAME);
    if (!rollout) return;
    const observation = await observeNodes(ctx, rollout);
    const decision = decideNodes(observation);
    // The Lease may have been lost while observing: only a leader acts.
    if (!stillLeading()) return;
    await actOnNodes(ctx, rollout, decision);
    record(ctx, decision);
    if (decision.status.installed && observation.axon?.groups.ok && rollout.spec.registration) {
      const client = await axonClient(ctx, rollout);
      try {
        await register(ctx, { ...rollout, status: decision.status }, client, observation.axon.groups.value.from);
      } finally {
        client.close();
      }
    }
  } catch (err) {
    ctx.metrics.inc('axon_deploy_controller_errors_total', 'Passes that failed (the next pass starts afresh).');
    ctx.log(`pass failed: ${(err as Error).message}`);
  }
}

function record(ctx: ControllerContext, d: NodeDecision): void {
  const m = ctx.metrics;
  m.clear('axon_deploy_rollout_phase');
  m.set('axon_deploy_rollout_phase', 'The NodeRollout phase (1 for the current one).', { phase: d.status.phase }, 1);
  m.set(
    'axon_deploy_nodes_pending',
    'Nodes that still run an outdated revision.',
    {},
    d.status.nodes.filter((n) => n.revision === 'pending').length,
  );
  m.clear('axon_deploy_node_lag_entries');
  m.clear('axon_deploy_node_in_cluster');
  for (const node of d.status.nodes) {
    m.set(
      'axon_deploy_node_in_cluster',
      'Whether the node is in its groups and caught up.',
      { node: node.name },
      node.inCluster ? 1 : 0,
    );
    for (const [group, lag] of Object.entries(node.lag ?? {})) {
      m.set(
        'axon_deploy_node_lag_entries',
        'Raft log entries a node is behind its group leader.',
        { node: node.name, group },
        lag,
      );
    }
  }
  const waiting = d.status.waitingSince ? (ctx.now() - Date.parse(d.status.waitingSince)) / 1000 : 0;
  m.set(
    'axon_deploy_rollout_waiting_seconds',
    'Seconds the controller has waited for the current reason.',
    {},
    d.status.phase === 'Idle' ? 0 : waiting,
  );
}

function serve(port: number, metrics: Metrics, alive: () => boolean): http.Server {
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(metrics.render());
    } else if (req.url === '/healthz') {
      res.writeHead(alive() ? 200 : 503).end(alive() ? 'ok' : 'stopping');
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(port);
  return server;
}
