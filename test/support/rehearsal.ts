/**
 * One rehearsal environment on the rehearsal cluster: a namespace, volumes the real PV binder and
 * scheduler can bind (local PersistentVolumes on the simulated nodes, a WaitForFirstConsumer
 * class), the objects axon-deploy renders for the environment applied as Argo CD would apply
 * them, the fake Axon Server cluster behind its pods, and the rollout controller running as its
 * own ServiceAccount — only what its rendered Role allows — in a process of its own:
 * `axon-deploy controller`, the command an operator runs (killed with SIGKILL to rehearse a crash).
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppRelease, NodeRollout, NodeRolloutStatus } from '../../src/controller/api';
import { LABEL_COLOR } from '../../src/domain/keys';
import { controllerOwnedFields } from '../../src/model/apps';
import { RESOURCES, Resource } from '../../src/kube/client';
import type { ConfigMap, Pod, StatefulSet } from '../../src/kube/objects';
import type { EnvironmentModel } from '../../src/model/types';
import { synthesizeParts, toYaml } from '../../src/synth/render';
import { KUBE_NODES, kubeconfigAs, RehearsalCluster, STORAGE_CLASS, until } from './cluster';
import { FakeAxonCluster } from './fake-axon-cluster';
import { ROOT, tempDir } from './helpers';

export { KUBE_NODES, STORAGE_CLASS } from './cluster';

/** What the kubelet asks of the environment that owns a pod (routed by namespace). */
export interface PodHooks {
  containersReady(pod: Pod): boolean;
  onStart(pod: Pod): void;
  onStop(pod: Pod): void;
}

/** The hooks of the environments of this test file, by namespace: what its kubelet serves. */
export const hooksByNamespace = new Map<string, PodHooks>();

export class Rehearsal {
  readonly axon: FakeAxonCluster;
  readonly log: string[] = [];
  private controller?: ChildProcess;
  private controllers = 0;

  /** Colours whose app pods do not become ready (`<app>-<colour>`). */
  readonly unready = new Set<string>();
  private readonly apps: Readonly<Record<string, RehearsalApp>>;
  private phasePoller?: NodeJS.Timeout;
  /** When each app pod first saw its colour's current phase (the kubelet's delay in updating a mounted ConfigMap). */
  private readonly seen = new Map<string, { phase: string; at: number }>();

  constructor(
    readonly cluster: RehearsalCluster,
    readonly namespace: string,
    readonly model: EnvironmentModel,
    options: {
      readonly systemToken?: string;
      /** The blue/green apps of the model: what their pods process and handle. */
      readonly apps?: Readonly<Record<string, RehearsalApp>>;
      /** Entries the fake event stores take per tick, and processors catch up per tick. */
      readonly writeRate?: number;
      readonly catchUpRate?: number;
    } = {},
  ) {
    this.axon = new FakeAxonCluster(model.controller.nodeRollout.spec, {
      startDelayMs: 200,
      tickMs: 50,
      systemToken: options.systemToken,
      writeRate: options.writeRate,
      catchUpRate: options.catchUpRate,
    });
    this.apps = options.apps ?? {};
    const label = (pod: Pod, key: string) => pod.metadata.labels?.[key] ?? '';
    const nodeOf = (pod: Pod) => label(pod, 'app.kubernetes.io/instance');
    const axonPod = (pod: Pod) => label(pod, 'app.kubernetes.io/name') === 'axonserver';
    const appOf = (pod: Pod) => {
      const app = this.apps[label(pod, 'app.kubernetes.io/name')];
      const color = label(pod, LABEL_COLOR);
      return app && color && pod.spec?.restartPolicy !== 'Never' ? { app, color } : undefined;
    };
    hooksByNamespace.set(namespace, {
      containersReady: (pod) => {
        if (axonPod(pod)) return this.axon.isUp(nodeOf(pod));
        const a = appOf(pod);
        return a ? !this.unready.has(`${label(pod, 'app.kubernetes.io/name')}-${a.color}`) : true;
      },
      onStart: (pod) => {
        if (axonPod(pod)) return this.axon.podStarted(nodeOf(pod));
        const a = appOf(pod);
        if (!a) return;
        const name = label(pod, 'app.kubernetes.io/name');
        this.axon.appStarted(pod.metadata.name, {
          pod: pod.metadata.name,
          component: `${name}-${a.color}`,
          context: a.app.context,
          processors: a.app.processors.map((p) => `${p}-${a.color}`),
          commands: a.app.commands,
          queries: a.app.queries,
        });
      },
      onStop: (pod) => {
        if (axonPod(pod)) return this.axon.podStopped(nodeOf(pod));
        this.axon.appStopped(pod.metadata.name);
      },
    });
  }

  /** Namespace, volumes, the fake cluster; then the environment's objects. */
  async setUp(): Promise<void> {
    const { cluster, namespace } = this;
    cluster.kubectl(['create', 'namespace', namespace]);
    const pvs = KUBE_NODES.flatMap((node) =>
      [0, 1, 2].map((i) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `${namespace}-${node}-${i}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: STORAGE_CLASS,
          local: { path: '/tmp' },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
              ],
            },
          },
        },
      })),
    );
    this.applyObjects(pvs);
    await this.axon.listen();
    this.apply(this.model);
  }

  /** Applies the environment's Axon Server objects as rendered (what an Argo CD sync applies). */
  apply(model: EnvironmentModel): void {
    this.applyObjects(synthesizeParts(model)['axon-server'].filter((o) => o.kind !== 'StorageClass'));
  }

  /**
   * Applies the apps' objects as an Argo CD sync of the apps Application does, with its
   * ignoreDifferences and RespectIgnoreDifferences: a field the rollout controller owns keeps its
   * live value on an object that exists (hooks are left out: the rehearsal has no database).
   */
  async applyApps(model: EnvironmentModel): Promise<void> {
    const owned = model.apps.flatMap(controllerOwnedFields);
    const objects = synthesizeParts(model).apps.filter((o) => !o.metadata.annotations?.['argocd.argoproj.io/hook']);
    const applied = [];
    for (const o of objects) {
      const fields = owned.filter((f) => f.kind === o.kind && f.name === o.metadata.name);
      const live =
        fields.length > 0
          ? await this.cluster.admin.get<Record<string, unknown>>(resourceOf(o.kind), this.namespace, o.metadata.name)
          : undefined;
      const copy = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
      if (live) for (const f of fields) for (const pointer of f.jsonPointers) copyAt(copy, live, pointer);
      applied.push(copy);
    }
    // The Axon Server Application syncs too: the controller's Role names the apps' objects.
    this.apply(model);
    this.applyObjects(applied);
    this.startPhasePoller();
  }

  /**
   * What each app pod does with its release file: it reads its colour's phase (seen 300 ms after
   * the ConfigMap changed, as a kubelet updates a mounted ConfigMap late) and subscribes its
   * handlers while SERVING, cancels them otherwise.
   */
  private startPhasePoller(): void {
    if (this.phasePoller) return;
    let busy = false;
    this.phasePoller = setInterval(() => {
      if (busy) return;
      busy = true;
      void (async () => {
        for (const name of Object.keys(this.apps)) {
          const files = (
            await this.cluster.admin.get<ConfigMap>(RESOURCES.configMaps, this.namespace, `${name}-release`)
          )?.data;
          const pods = await this.cluster.admin.list<Pod>(RESOURCES.pods, this.namespace, {
            labelSelector: `app.kubernetes.io/name=${name}`,
          });
          for (const pod of pods) {
            const color = pod.metadata.labels?.[LABEL_COLOR];
            if (!color || pod.metadata.deletionTimestamp) continue;
            const phase = files?.[`${color}.phase`] ?? '';
            const before = this.seen.get(pod.metadata.name);
            if (before?.phase !== phase) this.seen.set(pod.metadata.name, { phase, at: Date.now() });
            else if (Date.now() - before.at >= 300) this.axon.setServing(pod.metadata.name, phase === 'SERVING');
          }
        }
      })()
        .catch(() => undefined)
        .finally(() => (busy = false));
    }, 100);
  }

  async release(app: string): Promise<AppRelease | undefined> {
    return this.cluster.admin.get<AppRelease>(RESOURCES.appReleases, this.namespace, app);
  }

  applyObjects(objects: readonly object[]): void {
    const dir = tempDir();
    const file = path.join(dir, 'objects.yaml');
    fs.writeFileSync(file, objects.map((o) => toYaml(o)).join('---\n'));
    this.cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
  }

  /** Starts a controller instance (`axon-deploy controller`) as the rendered ServiceAccount. */
  async startController(): Promise<void> {
    const kubeconfig = path.join(tempDir(), 'kubeconfig');
    await until('the controller ServiceAccount', () => {
      try {
        kubeconfigAs(this.cluster, this.namespace, 'axon-deploy-controller', kubeconfig);
        return true;
      } catch {
        return undefined;
      }
    });
    this.controllers++;
    const identity = `rehearsal-${this.controllers}`;
    const urls = this.model.controller.nodeRollout.spec.nodes.flatMap((n) => [
      '--axon-url',
      `${n.name}=${this.axon.endpoint(n.name, 'http')}`,
      '--axon-url',
      `${n.name}:management=${this.axon.endpoint(n.name, 'management')}`,
    ]);
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'lib', 'bin.js'),
        'controller',
        '--namespace',
        this.namespace,
        '--kubeconfig',
        kubeconfig,
        '--identity',
        identity,
        '--poll-seconds',
        '0.1',
        '--lease-seconds',
        '2',
        '--axon-timeout-seconds',
        '0.5',
        ...urls,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buffered = '';
    const collect = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      // Without the timestamp: `rehearsal-1: rehearsal-1 leads: acting`.
      for (const line of lines) this.log.push(`${identity}: ${line.replace(/^\S+Z /, '')}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    this.controller = child;
    await this.waitFor(`${identity} running`, () =>
      this.log.some((l) => l.startsWith(`${identity}: the rollout controller of`)) ? true : undefined,
    );
  }

  /** Stops the controller as Ctrl-C would: it finishes its pass and releases the Lease. */
  async stopController(): Promise<void> {
    const child = this.controller;
    this.controller = undefined;
    if (!child || child.exitCode !== null) return;
    reportPeakMemory(this.namespace, child.pid);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Kills the controller's process outright: the Lease is left to expire. */
  killController(): void {
    this.controller?.kill('SIGKILL');
    this.controller = undefined;
  }

  async tearDown(): Promise<void> {
    if (this.phasePoller) clearInterval(this.phasePoller);
    await this.stopController();
    this.axon.close();
    hooksByNamespace.delete(this.namespace);
  }

  async status(): Promise<NodeRolloutStatus | undefined> {
    const nr = await this.cluster.admin.get<NodeRollout>(RESOURCES.nodeRollouts, this.namespace, 'axonserver');
    return nr?.status;
  }

  async pods(): Promise<Pod[]> {
    return this.cluster.admin.list<Pod>(RESOURCES.pods, this.namespace, {
      labelSelector: 'app.kubernetes.io/name=axonserver',
    });
  }

  /** What the environment looks like now: for a failure's message. */
  async diagnosis(): Promise<string> {
    const status = await this.status();
    const pods = await this.pods();
    return [
      `NodeRollout: ${status?.phase ?? '(no status)'}: ${status?.message ?? ''}`,
      ...pods.map(
        (p) =>
          `pod ${p.metadata.name} rev=${p.metadata.labels?.['controller-revision-hash'] ?? '?'} node=${p.spec?.nodeName ?? '-'} gates=${(p.spec?.schedulingGates ?? []).map((g) => g.name).join(',')} ${(p.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(' ')}`,
      ),
      `axon: ${this.axon.describe()}`,
      ...this.axon.events.slice(-15).map((e) => `  ${e.at} ms ${e.what}`),
      ...this.log.slice(-15),
    ].join('\n');
  }

  /** Waits until `check` holds; a timeout says what the environment looks like. */
  async waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
    try {
      return await until(`${this.namespace}: ${what}`, check, timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await this.diagnosis()}`, { cause: err });
    }
  }

  /** Waits until every node runs its StatefulSet's update revision, Ready, and the NodeRollout is Idle. */
  async settled(timeoutMs = 60_000): Promise<NodeRolloutStatus> {
    try {
      return await this.waitSettled(timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await this.diagnosis()}`, { cause: err });
    }
  }

  private async waitSettled(timeoutMs: number): Promise<NodeRolloutStatus> {
    return until(
      `${this.namespace}: every node current, ready and the NodeRollout Idle`,
      async () => {
        const status = await this.status();
        if (status?.phase !== 'Idle') return undefined;
        const sets = await this.cluster.admin.list<StatefulSet>(RESOURCES.statefulSets, this.namespace);
        const pods = await this.pods();
        const current = sets.every((s) => {
          const pod = pods.find((p) => p.metadata.name === `${s.metadata.name}-0`);
          return (
            pod?.metadata.labels?.['controller-revision-hash'] === s.status?.updateRevision &&
            pod?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
          );
        });
        return current && sets.length === this.model.axonServer.nodes.length ? status : undefined;
      },
      timeoutMs,
    );
  }
}

/**
 * With AXON_DEPLOY_REHEARSAL_REPORT set, prints the controller process's peak resident memory
 * (VmHWM, Linux) when it stops: the figure BENCHMARKS.md quotes.
 */
function reportPeakMemory(namespace: string, pid: number | undefined): void {
  if (!process.env.AXON_DEPLOY_REHEARSAL_REPORT || pid === undefined) return;
  try {
    const peak = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (peak)
      process.stderr.write(
        `${namespace}: the controller's peak resident memory: ${Math.round(Number(peak) / 1024)} MiB\n`,
      );
  } catch {
    // not Linux, or gone already
  }
}

/** What a blue/green app's pods do in a rehearsal: its context, processors (suffixed per colour), handlers. */
export interface RehearsalApp {
  readonly context: string;
  readonly processors: readonly string[];
  readonly commands: readonly string[];
  readonly queries: readonly string[];
}

const RESOURCE_OF_KIND: Readonly<Record<string, Resource>> = {
  ConfigMap: RESOURCES.configMaps,
  Service: RESOURCES.services,
  PodDisruptionBudget: RESOURCES.podDisruptionBudgets,
  Deployment: RESOURCES.deployments,
  HorizontalPodAutoscaler: RESOURCES.horizontalPodAutoscalers,
};

function resourceOf(kind: string): Resource {
  const r = RESOURCE_OF_KIND[kind];
  if (!r) throw new Error(`no resource for ${kind}`);
  return r;
}

/** Sets `pointer` (a JSON pointer) in `target` to its value in `source`, or removes it when `source` has none. */
function copyAt(target: Record<string, unknown>, source: Record<string, unknown>, pointer: string): void {
  const keys = pointer.split('/').slice(1);
  let from: unknown = source;
  for (const k of keys) from = from && typeof from === 'object' ? (from as Record<string, unknown>)[k] : undefined;
  let to = target;
  for (const k of keys.slice(0, -1)) {
    if (!to[k] || typeof to[k] !== 'object') to[k] = {};
    to = to[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (from === undefined) delete to[last];
  else to[last] = from;
}
