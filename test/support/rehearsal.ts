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
import type { NodeRollout, NodeRolloutStatus } from '../../src/controller/api';
import { RESOURCES } from '../../src/kube/client';
import type { Pod, StatefulSet } from '../../src/kube/objects';
import type { EnvironmentModel } from '../../src/model/types';
import { synthesizeParts, toYaml } from '../../src/synth/render';
import { kubeconfigAs, RehearsalCluster, until } from './cluster';
import { FakeAxonCluster } from './fake-axon-cluster';
import { ROOT, tempDir } from './helpers';

export const STORAGE_CLASS = 'rehearsal-local';
export const KUBE_NODES = ['kube-1', 'kube-2', 'kube-3', 'kube-4', 'kube-5', 'kube-6'];

/** What the kubelet asks of the environment that owns a pod (routed by namespace). */
export interface PodHooks {
  containersReady(pod: Pod): boolean;
  onStart(pod: Pod): void;
  onStop(pod: Pod): void;
}

export const hooksByNamespace = new Map<string, PodHooks>();

export class Rehearsal {
  readonly axon: FakeAxonCluster;
  readonly log: string[] = [];
  private controller?: ChildProcess;
  private controllers = 0;

  constructor(
    readonly cluster: RehearsalCluster,
    readonly namespace: string,
    readonly model: EnvironmentModel,
    options: { readonly systemToken?: string } = {},
  ) {
    this.axon = new FakeAxonCluster(model.controller.nodeRollout.spec, {
      startDelayMs: 200,
      tickMs: 50,
      systemToken: options.systemToken,
    });
    const nodeOf = (pod: Pod) => pod.metadata.labels?.['app.kubernetes.io/instance'] ?? '';
    const axonPod = (pod: Pod) => pod.metadata.labels?.['app.kubernetes.io/name'] === 'axonserver';
    hooksByNamespace.set(namespace, {
      containersReady: (pod) => (axonPod(pod) ? this.axon.isUp(nodeOf(pod)) : true),
      onStart: (pod) => axonPod(pod) && this.axon.podStarted(nodeOf(pod)),
      onStop: (pod) => axonPod(pod) && this.axon.podStopped(nodeOf(pod)),
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
      throw new Error(`${(err as Error).message}\n${await this.diagnosis()}`);
    }
  }

  /** Waits until every node runs its StatefulSet's update revision, Ready, and the NodeRollout is Idle. */
  async settled(timeoutMs = 60_000): Promise<NodeRolloutStatus> {
    try {
      return await this.waitSettled(timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await this.diagnosis()}`);
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
