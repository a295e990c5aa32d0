/**
 * The node controller's decision, table by table: pure observations in, one action (or the
 * reason to wait), the readiness-gate conditions and the status out. No cluster, no clock.
 */
import type { NodeRolloutSpec, NodeRolloutStatus } from '../../../src/controller/api';
import { decideNodes } from '../../../src/controller/nodes/decide';
import type { AxonView, NodeObservation, PodView } from '../../../src/controller/nodes/observed';
import type { RaftGroupStatusJson } from '../../../src/axon/rest';

const PRIMARIES = ['axonserver-1', 'axonserver-2', 'axonserver-3'];
const ARCHIVES = ['archive-1', 'archive-2'];
const NOW = Date.parse('2026-12-06T12:00:00Z');

/** Three PRIMARY nodes in _admin and orders, two SECONDARY archive nodes in orders; archives roll first. */
const spec: NodeRolloutSpec = {
  edition: 'enterprise',
  bootstrapNode: 'axonserver-1',
  nodes: [...ARCHIVES, ...PRIMARIES].map((name) => ({
    name,
    statefulSet: name,
    pod: `${name}-0`,
    dataClaim: `data-${name}-0`,
    admin: PRIMARIES.includes(name),
    voter: PRIMARIES.includes(name),
    groups: PRIMARIES.includes(name)
      ? [
          { name: '_admin', role: 'PRIMARY' as const },
          { name: 'orders', role: 'PRIMARY' as const },
        ]
      : [{ name: 'orders', role: 'SECONDARY' as const }],
  })),
  groups: [
    { name: '_admin', roles: PRIMARIES.map((node) => ({ node, role: 'PRIMARY' as const })) },
    {
      name: 'orders',
      roles: [
        ...PRIMARIES.map((node) => ({ node, role: 'PRIMARY' as const })),
        ...ARCHIVES.map((node) => ({ node, role: 'SECONDARY' as const })),
      ],
    },
  ],
  axonServer: { scheme: 'https', domain: 'orders.svc.cluster.local', httpPort: 8024, managementPort: 8025 },
  rollout: { maxLagEntries: 100, settleSeconds: 30, stuckAfterSeconds: 900, minActiveBackups: 1, paused: false },
};

const NODES = [...ARCHIVES, ...PRIMARIES];

interface World {
  /** Pod state by node; a node left out has no pod. */
  pods: Record<string, Partial<PodView> | undefined>;
  /** The StatefulSets' update revision. */
  revision: string;
  /** lastLogIndex per node and group (the leader, axonserver-1, is at 1000 in both). */
  logs: Record<string, number>;
  raftProblems: Record<string, string>;
  groupsFrom: string;
  groupsProblem?: string;
  members?: Record<string, string[]>;
  followerStatus?: Record<string, string>;
  previous?: NodeRolloutStatus;
  restartRequestedAt?: number;
  paused?: boolean;
  /** The leader of every group (axonserver-1 unless told). */
  leader?: string;
  claims?: Record<string, { createdAt: number; restored: boolean }>;
}

function world(edit: (w: World) => void = () => {}): NodeObservation {
  const w: World = {
    pods: Object.fromEntries(NODES.map((n) => [n, {}])),
    revision: 'rev-1',
    logs: Object.fromEntries(NODES.map((n) => [n, 1000])),
    raftProblems: {},
    groupsFrom: 'axonserver-2',
  };
  edit(w);
  const pods = new Map<string, PodView>();
  for (const node of NODES) {
    const p = w.pods[node];
    if (!p) continue;
    pods.set(`${node}-0`, {
      name: `${node}-0`,
      uid: `uid-${node}`,
      revision: 'rev-1',
      deleting: false,
      gated: false,
      scheduled: true,
      containersReady: true,
      inCluster: true,
      readySince: NOW - 3600_000,
      startedAt: NOW - 3600_000,
      ...p,
    });
  }
  const members = w.members ?? { _admin: PRIMARIES, orders: NODES };
  const raftOf = (node: string): RaftGroupStatusJson[] =>
    spec.nodes
      .find((n) => n.name === node)!
      .groups.map((g) => ({
        context: g.name,
        leaderName: 'axonserver-1',
        commitIndex: node === 'axonserver-1' ? 1000 : Math.min(1000, w.logs[node]),
        lastLogIndex: w.logs[node],
        lastAppliedIndex: w.logs[node],
      }));
  const axon: AxonView = {
    groups: w.groupsProblem
      ? { ok: false, problem: w.groupsProblem }
      : {
          ok: true,
          value: {
            from: w.groupsFrom,
            groups: Object.entries(members).map(([name, nodes]) => ({
              name,
              leader: w.leader ?? 'axonserver-1',
              roles: nodes.map((node) => ({ node, role: PRIMARIES.includes(node) ? 'PRIMARY' : 'SECONDARY' })),
            })),
          },
        },
    raft: new Map(
      NODES.map((n) => [
        n,
        w.raftProblems[n] ? { ok: false, problem: w.raftProblems[n] } : { ok: true, value: raftOf(n) },
      ]),
    ),
    health: new Map([
      [
        'axonserver-1',
        {
          ok: true,
          value: {
            status: 'UP',
            components: {
              raft: {
                status: 'UP',
                details: Object.fromEntries(
                  Object.entries(w.followerStatus ?? {}).map(([node, s]) => [`orders.follower.${node}.status`, s]),
                ),
              },
            },
          },
        },
      ],
    ]),
  };
  return {
    spec,
    previous: w.previous,
    restartRequestedAt: w.restartRequestedAt,
    paused: w.paused ?? false,
    statefulSets: new Map(NODES.map((n) => [n, { name: n, updateRevision: w.revision, observed: true }])),
    pods,
    claims: new Map(
      Object.entries(w.claims ?? {}).map(([node, c]) => [`data-${node}-0`, { name: `data-${node}-0`, ...c }]),
    ),
    axon,
    now: NOW,
  };
}

const allPending = (w: World) => {
  w.revision = 'rev-2';
};

describe('a clean install', () => {
  const gatedAll = (w: World) => {
    for (const n of NODES)
      w.pods[n] = {
        gated: true,
        scheduled: false,
        containersReady: false,
        inCluster: undefined,
        readySince: undefined,
      };
    w.groupsProblem = 'axonserver-2 /v1/public/replicationgroups: connect ECONNREFUSED';
  };

  it('starts the bootstrap node first, alone', () => {
    const d = decideNodes(world(gatedAll));
    expect(d.action).toEqual({
      kind: 'ungate',
      node: 'axonserver-1',
      pod: 'axonserver-1-0',
      reason: 'axonserver-1 forms a clean cluster',
    });
    expect(d.status.phase).toBe('Installing');
  });

  it('waits until the bootstrap node has formed the cluster', () => {
    const d = decideNodes(
      world((w) => {
        gatedAll(w);
        w.pods['axonserver-1'] = { containersReady: true, inCluster: undefined };
      }),
    );
    expect(d.action).toBeUndefined();
    expect(d.status.message).toBe('waiting for axonserver-1 to form the cluster (no _admin leader yet)');
  });

  it('then starts the others one at a time, in order', () => {
    const formed = (w: World) => {
      gatedAll(w);
      w.groupsProblem = undefined;
      w.groupsFrom = 'axonserver-1';
      w.members = { _admin: ['axonserver-1'], orders: ['axonserver-1'] };
      w.pods['axonserver-1'] = {};
    };
    expect(decideNodes(world(formed)).action).toMatchObject({ kind: 'ungate', node: 'archive-1' });
    const joining = decideNodes(
      world((w) => {
        formed(w);
        w.pods['archive-1'] = { containersReady: false };
      }),
    );
    expect(joining.action).toBeUndefined();
    expect(joining.status.message).toBe('waiting for archive-1 to join before the next node starts');
  });
});

describe('rolling a new revision', () => {
  it('is idle when every node runs the current revision', () => {
    const d = decideNodes(world());
    expect([d.action, d.status.phase, d.status.message]).toEqual([
      undefined,
      'Idle',
      'every node runs the current revision',
    ]);
    expect(d.status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Progressing=False', 'Degraded=False']);
  });

  it('restarts the first outdated node in order when every voter is up and caught up', () => {
    const d = decideNodes(world(allPending));
    expect(d.action).toEqual({
      kind: 'restart',
      node: 'archive-1',
      pod: 'archive-1-0',
      uid: 'uid-archive-1',
      reason: 'archive-1 restarts with the new revision: every voter of orders is up and caught up',
    });
    expect(d.status.phase).toBe('Rolling');
    expect(d.event).toMatchObject({ type: 'Normal', reason: 'Restart' });
  });

  it('never restarts while another node is down, starting, unscheduled, stopping or not yet settled', () => {
    const cases: [Partial<PodView> | undefined, string][] = [
      [undefined, 'axonserver-3 has no pod yet'],
      [{ deleting: true }, 'axonserver-3 is stopping'],
      [{ revision: 'rev-2', scheduled: false, containersReady: false }, 'axonserver-3 is not scheduled (Pending)'],
      [{ revision: 'rev-2', containersReady: false }, 'axonserver-3 is starting'],
      [{ revision: 'rev-2', inCluster: false }, 'axonserver-3 has not rejoined its groups yet'],
      [{ revision: 'rev-2', readySince: NOW - 5_000 }, 'axonserver-3 became ready less than 30 s ago'],
    ];
    for (const [pod, why] of cases) {
      const d = decideNodes(
        world((w) => {
          allPending(w);
          w.pods['axonserver-3'] = pod;
          w.logs['axonserver-3'] = pod?.containersReady === false ? 0 : 1000;
        }),
      );
      expect([d.action, d.status.message]).toEqual([undefined, `waiting to restart archive-1: ${why}`]);
    }
  });

  it("waits while a voter of the node's groups lags its leader, by index or by the leader's own account", () => {
    const lagging = decideNodes(
      world((w) => {
        allPending(w);
        w.logs['axonserver-3'] = 959;
      }),
    );
    expect(lagging.action).toMatchObject({ kind: 'restart' }); // 41 entries is within the bound

    const far = decideNodes(world((w) => ((w.revision = 'rev-2'), (w.logs['axonserver-3'] = 500))));
    expect([far.action, far.status.message]).toEqual([
      undefined,
      'waiting to restart archive-1: axonserver-3 is 500 entries behind the leader of _admin (at most 100)',
    ]);
    const behind = decideNodes(
      world((w) => ((w.revision = 'rev-2'), (w.followerStatus = { 'axonserver-2': 'NO_ACK_RECEIVED' }))),
    );
    expect(behind.status.message).toBe(
      'waiting to restart archive-1: the leader of orders reports axonserver-2 NO_ACK_RECEIVED',
    );
  });

  it('waits, never restarts, on any uncertainty: REST errors, a view from outside _admin, a node missing from the answer', () => {
    const cases: [(w: World) => void, string][] = [
      [
        (w) => (w.raftProblems['axonserver-2'] = 'axonserver-2 /internal/raft/status: HTTP 503'),
        'axonserver-2 /internal/raft/status: HTTP 503',
      ],
      [
        (w) =>
          (w.raftProblems['axonserver-1'] =
            'axonserver-1 /internal/raft/status: HTTP 403 (the token was refused or lacks a role)'),
        'axonserver-1 /internal/raft/status: HTTP 403 (the token was refused or lacks a role)',
      ],
      [
        (w) => (w.groupsProblem = 'axonserver-2 /v1/public/replicationgroups: no answer within 5000 ms'),
        'cannot read membership from an _admin node: axonserver-2 /v1/public/replicationgroups: no answer within 5000 ms',
      ],
      [
        (w) => (w.groupsFrom = 'archive-1'),
        'cannot read membership from an _admin node: archive-1 is not a member of _admin: its view of the groups is not authoritative',
      ],
      [
        (w) => (w.members = { _admin: PRIMARIES, orders: ['axonserver-1', 'axonserver-2', ...ARCHIVES] }),
        'axonserver-3 is not a member of orders',
      ],
    ];
    for (const [edit, why] of cases) {
      const d = decideNodes(world((w) => (allPending(w), edit(w))));
      expect([d.action, d.status.message]).toEqual([undefined, `waiting to restart archive-1: ${why}`]);
    }
  });

  it('restarts a node that is down on an outdated revision at once (a revert of a bad change)', () => {
    const d = decideNodes(
      world((w) => {
        w.pods['axonserver-2'] = { revision: 'rev-bad', containersReady: false, inCluster: false };
      }),
    );
    expect(d.action).toMatchObject({
      kind: 'restart',
      node: 'axonserver-2',
      reason: 'axonserver-2 is down on an outdated revision: restarted at once with the new one',
    });
  });

  it("restarts a group's leader after every other node: one election per roll", () => {
    const primariesOnly = (w: World) => {
      allPending(w);
      for (const n of ARCHIVES) w.pods[n] = { revision: 'rev-2' };
    };
    expect(decideNodes(world(primariesOnly)).action).toMatchObject({ kind: 'restart', node: 'axonserver-2' });
    const leaderLeft = decideNodes(
      world((w) => {
        primariesOnly(w);
        w.pods['axonserver-2'] = { revision: 'rev-2' };
        w.pods['axonserver-3'] = { revision: 'rev-2' };
      }),
    );
    expect(leaderLeft.action).toMatchObject({ kind: 'restart', node: 'axonserver-1' });
  });

  it('holds every restart of a running node while paused, but lets a node that is down start', () => {
    const d = decideNodes(world((w) => (allPending(w), (w.paused = true))));
    expect([d.action, d.status.phase, d.status.message]).toEqual([
      undefined,
      'Paused',
      'restarts are paused; to restart: archive-1, archive-2, axonserver-1, axonserver-2, axonserver-3',
    ]);
    const down = decideNodes(
      world((w) => {
        allPending(w);
        w.paused = true;
        w.pods['axonserver-2'] = { revision: 'rev-1', containersReady: false, inCluster: false };
      }),
    );
    expect(down.action).toMatchObject({ kind: 'restart', node: 'axonserver-2' });
    const held = decideNodes(
      world((w) => {
        w.paused = true;
        w.previous = { clusterFormed: true, installed: true } as NodeRolloutStatus;
        w.pods['axonserver-2'] = { gated: true, scheduled: false, containersReady: false };
      }),
    );
    expect(held.action).toMatchObject({ kind: 'ungate', node: 'axonserver-2' });
  });

  it('restarts every node once when a restart is requested (e.g. a renewed licence)', () => {
    const d = decideNodes(world((w) => (w.restartRequestedAt = NOW - 60_000)));
    expect(d.action).toMatchObject({ kind: 'restart', node: 'archive-1' });
  });
});

describe('after a restart', () => {
  it('lets a held pod start at once once the cluster has formed, but never an empty bootstrap node', () => {
    const previous = {
      clusterFormed: true,
      clusterFormedAt: '2026-12-01T00:00:00Z',
      installed: true,
    } as NodeRolloutStatus;
    const held = (w: World) => {
      w.previous = previous;
      w.pods['axonserver-2'] = { gated: true, scheduled: false, containersReady: false };
    };
    expect(decideNodes(world(held)).action).toMatchObject({ kind: 'ungate', node: 'axonserver-2' });
    const empty = decideNodes(
      world((w) => {
        w.previous = previous;
        w.pods['axonserver-1'] = { gated: true, scheduled: false, containersReady: false };
        w.claims = { 'axonserver-1': { createdAt: NOW - 60_000, restored: false } };
      }),
    );
    expect(empty.action).toBeUndefined();
    expect(empty.event).toMatchObject({ type: 'Warning' });
    expect(empty.status.message).toMatch(
      /^axonserver-1 is the bootstrap node and its data volume is newer than the cluster/,
    );
    const restored = decideNodes(
      world((w) => {
        w.previous = previous;
        w.pods['axonserver-1'] = { gated: true, scheduled: false, containersReady: false };
        w.claims = { 'axonserver-1': { createdAt: NOW - 60_000, restored: true } };
      }),
    );
    expect(restored.action).toMatchObject({ kind: 'ungate', node: 'axonserver-1' });
  });

  it('marks a restarted node in the cluster only once it is a member and caught up; keeps conditions when Axon Server cannot be asked', () => {
    const back = (lag: number) =>
      decideNodes(
        world((w) => {
          w.revision = 'rev-2';
          w.pods['axonserver-2'] = { revision: 'rev-2', inCluster: undefined, readySince: NOW };
          w.logs['axonserver-2'] = 1000 - lag;
        }),
      );
    expect(back(5000).conditions).toEqual([]);
    expect(back(0).conditions).toEqual([
      { pod: 'axonserver-2-0', inCluster: true, message: 'axonserver-2 is in _admin, orders and caught up' },
    ]);
    const unreachable = decideNodes(
      world((w) => {
        for (const n of NODES) w.raftProblems[n] = `${n}: connect ECONNREFUSED`;
        w.groupsProblem = 'axonserver-2: connect ECONNREFUSED';
      }),
    );
    expect(unreachable.conditions).toEqual([]);
    const left = decideNodes(world((w) => (w.members = { _admin: PRIMARIES, orders: PRIMARIES })));
    expect(left.conditions.map((c) => `${c.pod}=${c.inCluster}`)).toEqual(['archive-1-0=false', 'archive-2-0=false']);
  });
});

describe('status', () => {
  it('turns Degraded when it waits for the same reason longer than stuckAfterSeconds', () => {
    const waiting = (since: string) =>
      decideNodes(
        world((w) => {
          w.revision = 'rev-2';
          w.logs['axonserver-3'] = 500;
          w.previous = {
            phase: 'Waiting',
            message: '',
            waitingFor: 'behind:axonserver-3:_admin',
            waitingSince: since,
            nodes: [],
            conditions: [],
          };
        }),
      );
    expect(waiting('2026-12-06T11:50:00Z').status.phase).toBe('Waiting');
    const stuck = waiting('2026-12-06T11:30:00Z');
    expect(stuck.status.phase).toBe('Stuck');
    expect(stuck.status.conditions.find((c) => c.type === 'Degraded')?.status).toBe('True');
    expect(stuck.event).toMatchObject({ type: 'Warning', reason: 'Stuck' });
  });

  it('reports each node: revision, state, roles, lag behind the leader', () => {
    const d = decideNodes(
      world(
        (w) => ((w.revision = 'rev-2'), (w.pods['archive-2'] = { revision: 'rev-2' }), (w.logs['archive-2'] = 990)),
      ),
    );
    expect(d.status.nodes.find((n) => n.name === 'archive-2')).toEqual({
      name: 'archive-2',
      revision: 'current',
      state: 'Ready',
      roles: ['SECONDARY@orders'],
      lag: { orders: 10 },
      inCluster: true,
    });
  });
});
