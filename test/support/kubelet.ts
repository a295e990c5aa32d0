/**
 * A simulated kubelet for rehearsals: Node objects that report Ready, and a loop that tells the
 * story of every pod the real scheduler binds to them through the API — Running once bound,
 * containers ready when the test says the process inside is, Ready when the containers are and
 * every readiness gate's condition is True (as the kubelet computes it), and a deleted pod
 * removed once "stopped". It runs no containers; it never touches a condition it does not own.
 */
import { KubeClient, RESOURCES } from '../../src/kube/client';
import type { Condition, Pod } from '../../src/kube/objects';

export interface KubeletOptions {
  readonly admin: KubeClient;
  readonly nodes: readonly string[];
  /** The namespaces whose pods this kubelet serves (kubelets of other test files serve theirs); all by default. */
  readonly namespaces?: () => readonly string[];
  /** Whether the containers of a running pod are ready now (the process inside answers its probes). */
  readonly containersReady: (pod: Pod) => boolean;
  /** A pod started running on a node. */
  readonly onStart?: (pod: Pod) => void;
  /** A pod's process stopped (its pod is being deleted). */
  readonly onStop?: (pod: Pod) => void;
  readonly intervalMs?: number;
  /** How a Job's pod (restartPolicy Never or OnFailure) ends once it ran: by default it succeeds. */
  readonly jobOutcome?: (pod: Pod) => 'Succeeded' | 'Failed' | undefined;
}

const KUBELET_CONDITIONS = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'];

export class FakeKubelet {
  private timer?: NodeJS.Timeout;
  private readonly started = new Set<string>();
  private readonly stopped = new Set<string>();
  private busy = false;

  constructor(private readonly options: KubeletOptions) {}

  async start(): Promise<void> {
    for (const name of this.options.nodes) await this.registerNode(name);
    this.timer = setInterval(() => void this.sync(), this.options.intervalMs ?? 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async registerNode(name: string): Promise<void> {
    const { admin } = this.options;
    const nodes = { base: '/api/v1', plural: 'nodes', namespaced: false };
    if (!(await admin.get(nodes, undefined, name))) {
      // Kubelets of other test files register the same Nodes: one of them creates each.
      await admin
        .create(nodes, undefined, {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
        })
        .catch(async (err: unknown) => {
          if (!(await admin.get(nodes, undefined, name))) throw err;
        });
    }
    // Admission taints a new node not-ready; the node-lifecycle controller, which would lift it, is off.
    await admin.patch(nodes, undefined, name, { spec: { taints: null } }, 'merge');
    const now = new Date().toISOString();
    await admin.patch(
      nodes,
      undefined,
      name,
      {
        status: {
          capacity: { cpu: '32', memory: '128Gi', pods: '110' },
          allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'simulated',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
        },
      },
      'merge',
      'status',
    );
  }

  private async sync(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const namespaces = this.options.namespaces?.() ?? [undefined];
      const pods: Pod[] = [];
      for (const ns of namespaces) pods.push(...(await this.options.admin.list<Pod>(RESOURCES.pods, ns)));
      for (const pod of pods) {
        if (!pod.spec?.nodeName || !this.options.nodes.includes(pod.spec.nodeName)) continue;
        await this.syncPod(pod);
      }
    } catch {
      // the next tick tries again (the API server may be busy or stopping)
    } finally {
      this.busy = false;
    }
  }

  private async syncPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    const ns = pod.metadata.namespace;
    if (pod.metadata.deletionTimestamp) {
      if (!this.stopped.has(uid)) {
        this.stopped.add(uid);
        this.options.onStop?.(pod);
      }
      await this.options.admin.delete(RESOURCES.pods, ns, pod.metadata.name, { gracePeriodSeconds: 0, uid });
      return;
    }
    if (!this.started.has(uid)) {
      this.started.add(uid);
      this.options.onStart?.(pod);
    }
    if (pod.spec?.restartPolicy && pod.spec.restartPolicy !== 'Always') {
      await this.finishJobPod(pod);
      return;
    }
    const patch = this.statusOf(pod);
    if (patch)
      await this.options.admin.patch(RESOURCES.pods, ns, pod.metadata.name, { status: patch }, 'strategic', 'status');
  }

  /** A Job's pod runs to its end at once: Succeeded (exit 0) or Failed (exit 1). */
  private async finishJobPod(pod: Pod): Promise<void> {
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const outcome = this.options.jobOutcome ? this.options.jobOutcome(pod) : 'Succeeded';
    if (!outcome) return;
    const now = new Date().toISOString();
    const code = outcome === 'Succeeded' ? 0 : 1;
    const status = {
      phase: outcome,
      startTime: pod.status?.startTime ?? now,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'False', reason: 'PodCompleted', lastTransitionTime: now },
        { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now },
      ],
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        ready: false,
        restartCount: 0,
        image: 'simulated',
        imageID: 'simulated',
        started: false,
        state: {
          terminated: {
            exitCode: code,
            reason: outcome === 'Succeeded' ? 'Completed' : 'Error',
            startedAt: now,
            finishedAt: now,
          },
        },
      })),
    };
    await this.options.admin.patch(
      RESOURCES.pods,
      pod.metadata.namespace,
      pod.metadata.name,
      { status },
      'strategic',
      'status',
    );
  }

  /** The status the kubelet would report, or undefined when the pod already has it. */
  private statusOf(pod: Pod): object | undefined {
    const ready = this.options.containersReady(pod);
    const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
    const current = pod.status?.conditions ?? [];
    const gatesTrue = gates.every((g) => current.find((c) => c.type === g)?.status === 'True');
    const wanted: Record<string, boolean> = {
      PodScheduled: true,
      Initialized: true,
      ContainersReady: ready,
      Ready: ready && gatesTrue,
    };
    const now = new Date().toISOString();
    const conditions: Condition[] = KUBELET_CONDITIONS.map((type) => {
      const status = wanted[type] ? 'True' : 'False';
      const before = current.find((c) => c.type === type);
      return { type, status, lastTransitionTime: before?.status === status ? before.lastTransitionTime : now };
    });
    const unchanged =
      pod.status?.phase === 'Running' &&
      conditions.every((c) => current.find((x) => x.type === c.type)?.status === c.status);
    if (unchanged) return undefined;
    return {
      phase: 'Running',
      startTime: pod.status?.startTime ?? now,
      conditions,
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        ready,
        restartCount: 0,
        image: 'simulated',
        imageID: 'simulated',
        started: true,
        state: { running: { startedAt: pod.status?.startTime ?? now } },
      })),
    };
  }
}
