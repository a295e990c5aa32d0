/**
 * The release controller's decision, table by table: one observation of a blue/green app in, the
 * actions (release files, live Service, scale, cleanup) and the status out. No cluster, no clock.
 */
import type { ProcessorJson } from '../../../src/axon/rest';
import type {
  AppReleaseSpec,
  AppReleaseStatus,
  ReleaseColor,
  ReleaseColorSpec,
  ReleasePhase,
} from '../../../src/controller/api';
import { decideRelease, ReleaseAction } from '../../../src/controller/releases/decide';
import type { ComponentView, DeploymentView, ReleaseObservation } from '../../../src/controller/releases/observed';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const HEAD = 10_000;

const color = (c: ReleaseColor, version: string, phase: ReleasePhase) => ({
  version,
  phase,
  deployment: `orders-${c}`,
  component: `orders-${c}`,
  scale: { SERVING: { replicas: 3 }, INITIALISING: { replicas: 2 }, STANDING_BY: { replicas: 1 } },
  database: `orders_view_${c}`,
  cleanupJob: { name: `orders-${c}-cleanup-${version.replace(/\./g, '-')}`, spec: {} },
});

function spec(blue: ReleasePhase, green: ReleasePhase, extra: Partial<AppReleaseSpec> = {}): AppReleaseSpec {
  return {
    app: 'orders',
    context: 'orders',
    colors: { blue: color('blue', '1.4.2', blue), green: color('green', '1.5.0', green) },
    objects: {
      liveService: 'orders',
      podDisruptionBudget: 'orders',
      releaseConfigMap: 'orders-release',
    },
    promotion: {
      processors: true,
      maxLagEvents: 100,
      ignoredProcessors: ['payment-saga'],
      timeoutSeconds: 600,
      droppedHandlers: [],
    },
    axonServer: { scheme: 'http', domain: 'ns.svc.cluster.local', httpPort: 8024, nodes: ['axonserver-1'] },
    ...extra,
  };
}

const processor = (
  name: string,
  position: number,
  extra: Partial<NonNullable<ProcessorJson['trackers']>[number]> = {},
) => ({
  name,
  isStreaming: true,
  trackers: [{ segmentId: 0, onePartOf: 1, tokenPosition: position, replaying: false, errorState: '', ...extra }],
});

const HANDLERS = { commands: ['PlaceOrder', 'CancelOrder'], queries: ['FindOrder'] };
const component = (position: number, subscribed: boolean): ComponentView => ({
  processors: [processor(`orders-view-x`, position), processor('payment-saga', 0)],
  commands: subscribed ? HANDLERS.commands : [],
  queries: subscribed ? HANDLERS.queries : [],
});

interface World {
  spec: AppReleaseSpec;
  files?: Record<string, string>;
  live?: ReleaseColor;
  deployments: Partial<Record<ReleaseColor, Partial<DeploymentView>>>;
  components: Record<ReleaseColor, ComponentView>;
  axonDown?: string;
  previous?: AppReleaseStatus;
  generation?: number;
  retry?: string;
  jobs?: Partial<Record<ReleaseColor, { succeeded: boolean; failed: boolean }>>;
  autoscalers?: Partial<Record<ReleaseColor, { minReplicas: number; maxReplicas: number }>>;
  databaseJobs?: Partial<Record<ReleaseColor, { succeeded: boolean; failed: boolean }>>;
}

const files = (blue: ReleasePhase, green: ReleasePhase, live: ReleaseColor) => ({
  'blue.live': String(live === 'blue'),
  'blue.phase': blue,
  'green.live': String(live === 'green'),
  'green.phase': green,
  live,
});

/** Blue serves 1.4.2 with 3 pods; green 1.5.0 replayed and is caught up with 3 ready pods; Git now declares green SERVING. */
function world(edit: (w: World) => void = () => {}): ReleaseObservation {
  const w: World = {
    spec: spec('STANDING_BY', 'SERVING'),
    files: files('SERVING', 'INITIALISING', 'blue'),
    live: 'blue',
    deployments: { blue: { replicas: 3, readyReplicas: 3 }, green: { replicas: 3, readyReplicas: 3 } },
    components: { blue: component(HEAD, true), green: component(HEAD - 10, false) },
  };
  edit(w);
  return {
    spec: w.spec,
    generation: w.generation ?? 4,
    previous: w.previous,
    retry: w.retry,
    files: w.files,
    liveSelector: w.live,
    budgetSelector: w.live,
    previewSelector: w.live === 'blue' ? 'green' : 'blue',
    deployments: new Map(
      Object.entries(w.deployments)
        .filter(([, d]) => d !== undefined)
        .map(([c, d]) => [c as ReleaseColor, { replicas: 1, readyReplicas: 1, rolledOut: true, ...d }]),
    ),
    autoscalers: new Map(
      Object.entries(w.autoscalers ?? {}) as [ReleaseColor, { minReplicas: number; maxReplicas: number }][],
    ),
    cleanupJobs: new Map(Object.entries(w.jobs ?? {}) as [ReleaseColor, { succeeded: boolean; failed: boolean }][]),
    databaseJobs: new Map(
      Object.entries(w.databaseJobs ?? {}) as [ReleaseColor, { succeeded: boolean; failed: boolean }][],
    ),
    axon: w.axonDown
      ? { ok: false, problem: w.axonDown }
      : { ok: true, value: { head: HEAD, components: w.components } },
    now: NOW,
  };
}

const kinds = (actions: readonly ReleaseAction[]) =>
  actions.map((a) =>
    a.kind === 'files'
      ? `files blue=${a.data['blue.phase']} green=${a.data['green.phase']} live=${a.data.live}`
      : a.kind === 'scale'
        ? `scale ${a.color} ${a.replicas}`
        : `${a.kind} ${a.color}`,
  );

describe('a promotion, step by step', () => {
  it('tells the caught-up colour it serves, alongside the live one (it subscribes)', () => {
    const d = decideRelease(world());
    expect(kinds(d.actions)).toEqual(['files blue=SERVING green=SERVING live=blue']);
    expect(d.status).toMatchObject({ phase: 'Switching', serving: 'blue' });
    expect(d.status.switch).toMatchObject({ from: 'blue', to: 'green', step: 'subscribing', revertTo: 'INITIALISING' });
    expect(d.event?.message).toMatch(/^green is caught up with 3 ready pods: it is told it serves/);
  });

  it('waits until Axon Server lists the new colour holding every subscription the live one holds', () => {
    const partial = decideRelease(
      world((w) => {
        w.files = files('SERVING', 'SERVING', 'blue');
        w.components.green = { ...component(HEAD, false), commands: ['PlaceOrder'] };
      }),
    );
    expect(kinds(partial.actions)).toEqual([]);
    expect(partial.status.message).toBe(
      "waiting for green to subscribe: green does not handle 2 of blue's commands and queries yet (CancelOrder, FindOrder)",
    );
  });

  it('then moves the live Service and the budget, and tells the old colour it stands by', () => {
    const d = decideRelease(
      world((w) => {
        w.files = files('SERVING', 'SERVING', 'blue');
        w.components.green = component(HEAD, true);
        w.previous = {
          phase: 'Switching',
          message: '',
          colors: {},
          conditions: [],
          switch: {
            from: 'blue',
            to: 'green',
            startedAt: '2026-12-06T11:59:00Z',
            step: 'subscribing',
            revertTo: 'INITIALISING',
          },
        };
      }),
    );
    expect(kinds(d.actions)).toEqual([
      'route green',
      'files blue=STANDING_BY green=SERVING live=green',
      'preview blue',
      'scale blue 1',
    ]);
    expect(d.status.switch).toMatchObject({ step: 'moved', startedAt: '2026-12-06T11:59:00Z' });
  });

  it('is done when the old colour holds no subscription any more', () => {
    const moved = (w: World) => {
      w.spec = spec('STANDING_BY', 'SERVING');
      w.files = files('STANDING_BY', 'SERVING', 'green');
      w.live = 'green';
      w.deployments.blue = { replicas: 1, readyReplicas: 1 };
      w.components = { blue: component(HEAD, true), green: component(HEAD, true) };
      w.previous = {
        phase: 'Switching',
        message: '',
        colors: {},
        conditions: [],
        switch: { from: 'blue', to: 'green', startedAt: '2026-12-06T11:59:00Z', step: 'moved' },
      };
    };
    const still = decideRelease(world(moved));
    expect(still.status.message).toBe(
      'green serves; blue still holds 3 command and query subscriptions (both colours answer until it lets go)',
    );
    const done = decideRelease(world((w) => (moved(w), (w.components.blue = component(HEAD, false)))));
    expect(done.status).toMatchObject({ phase: 'Idle', message: 'green serves', serving: 'green' });
    expect(done.status.switch).toMatchObject({ step: 'done', completedAt: '2026-12-06T12:00:00.000Z' });
    expect(done.event?.message).toBe(
      'the switch to green is complete: only green holds command and query subscriptions',
    );
  });
});

describe('what holds a switch', () => {
  it('a processor behind the head, replaying, in error, or with unclaimed segments; the side-effect groups are left out', () => {
    const cases: [Partial<NonNullable<ProcessorJson['trackers']>[number]>, string][] = [
      [{ tokenPosition: HEAD - 500 }, 'orders-view-x is 500 events behind (at most 100)'],
      [{ replaying: true }, 'orders-view-x is replaying'],
      [
        { errorState: 'java.lang.IllegalStateException: boom' },
        'orders-view-x is in error (java.lang.IllegalStateException: boom)',
      ],
      [{ onePartOf: 2 }, 'orders-view-x has 50 % of its segments claimed'],
    ];
    for (const [tracker, why] of cases) {
      const d = decideRelease(
        world((w) => {
          w.components.green = {
            ...component(HEAD, false),
            processors: [processor('orders-view-x', HEAD, tracker), processor('payment-saga', 0)],
          };
        }),
      );
      expect([kinds(d.actions), d.status.phase, d.status.message]).toEqual([
        [],
        'Waiting',
        `waiting to switch to green: ${why}`,
      ]);
    }
  });

  it("fewer ready pods than the live colour has: raises the new colour's autoscaler floor to that count first", () => {
    const d = decideRelease(
      world((w) => {
        const autoscaled = (s: ReleaseColorSpec): ReleaseColorSpec => ({
          ...s,
          autoscaler: s.deployment,
          scale: {
            SERVING: { replicas: 3, maxReplicas: 8 },
            INITIALISING: { replicas: 2, maxReplicas: 8 },
            STANDING_BY: { replicas: 1, maxReplicas: 1 },
          },
        });
        w.spec = {
          ...w.spec,
          colors: { blue: autoscaled(w.spec.colors.blue), green: autoscaled(w.spec.colors.green) },
        };
        w.autoscalers = { blue: { minReplicas: 3, maxReplicas: 8 }, green: { minReplicas: 3, maxReplicas: 8 } };
        w.deployments.blue = { replicas: 5, readyReplicas: 5 }; // its autoscaler scaled it up under load
        w.deployments.green = { replicas: 3, readyReplicas: 3 };
      }),
    );
    expect(d.actions).toEqual([
      {
        kind: 'scale',
        color: 'green',
        deployment: 'orders-green',
        autoscaler: 'orders-green',
        replicas: 5,
        maxReplicas: 8,
      },
    ]);
    expect(d.status.message).toBe('waiting to switch to green: green has 3 ready pods of the 5 it needs (blue runs 5)');
  });

  it('a failed database Job of the colour (its database holds an older release): it does not serve', () => {
    const d = decideRelease(world((w) => (w.databaseJobs = { green: { succeeded: false, failed: true } })));
    expect(kinds(d.actions)).toEqual([]);
    expect(d.status.message).toMatch(
      /^waiting to switch to green: its database Job .* failed \(does its database still hold an older release\?\)/,
    );
  });

  it('Axon Server not answering: nothing switches', () => {
    const d = decideRelease(world((w) => (w.axonDown = 'axonserver-1 /v1/public/status: HTTP 503')));
    expect(kinds(d.actions)).toEqual([]);
    expect(d.status.message).toBe(
      'waiting to switch to green: Axon Server does not answer: axonserver-1 /v1/public/status: HTTP 503',
    );
  });

  it('fails after timeoutSeconds, stays failed for that generation, and tries again on a retry', () => {
    const waiting = (w: World) => {
      w.components.green = component(HEAD - 5000, false);
      w.previous = {
        phase: 'Waiting',
        message: '',
        colors: {},
        conditions: [],
        waitingFor: 'switch:green:4',
        waitingSince: '2026-12-06T11:40:00Z',
      };
    };
    const d = decideRelease(world(waiting));
    expect(d.status.phase).toBe('Failed');
    expect(d.status.failed).toEqual({
      generation: 4,
      to: 'green',
      reason: 'orders-view-x is 5000 events behind (at most 100)',
      retry: undefined,
    });
    expect(d.status.conditions.find((c) => c.type === 'Degraded')?.status).toBe('True');
    expect(d.event).toMatchObject({ type: 'Warning' });
    // Caught up later: still failed, nothing switches by itself (the colour goes back to its own scale).
    const later = decideRelease(world((w) => (w.previous = d.status)));
    expect([kinds(later.actions), later.status.phase]).toEqual([['scale green 2'], 'Failed']);
    const retried = decideRelease(world((w) => ((w.previous = d.status), (w.retry = '1'))));
    expect(kinds(retried.actions)).toEqual(['files blue=SERVING green=SERVING live=blue']);
  });

  it('a hand-over that does not complete in time tells the new colour it no longer serves', () => {
    const d = decideRelease(
      world((w) => {
        w.files = files('SERVING', 'SERVING', 'blue');
        w.previous = {
          phase: 'Switching',
          message: '',
          colors: {},
          conditions: [],
          waitingFor: 'switch:green:4',
          waitingSince: '2026-12-06T11:40:00Z',
          switch: {
            from: 'blue',
            to: 'green',
            startedAt: '2026-12-06T11:40:00Z',
            step: 'subscribing',
            revertTo: 'INITIALISING',
          },
        };
      }),
    );
    expect(kinds(d.actions)).toEqual(['files blue=SERVING green=INITIALISING live=blue', 'scale green 2']);
    expect(d.status.phase).toBe('Failed');
  });
});

describe('rollback and the other phases', () => {
  it('rolls back like a promotion: the stand-by colour scales up to the live count before it serves', () => {
    const d = decideRelease(
      world((w) => {
        w.spec = spec('SERVING', 'STANDING_BY');
        w.files = files('STANDING_BY', 'SERVING', 'green');
        w.live = 'green';
        w.deployments = { blue: { replicas: 1, readyReplicas: 1 }, green: { replicas: 3, readyReplicas: 3 } };
        w.components = { blue: component(HEAD, false), green: component(HEAD, true) };
      }),
    );
    expect(kinds(d.actions)).toEqual(['scale blue 3']);
    expect(d.status.message).toBe('waiting to switch to blue: blue has 1 ready pods of the 3 it needs (green runs 3)');
  });

  it('moves a colour that does not serve to its declared phase at once', () => {
    const d = decideRelease(
      world((w) => {
        w.spec = spec('SERVING', 'CLEANING_UP');
        w.files = files('SERVING', 'STANDING_BY', 'blue');
        w.deployments.green = undefined;
      }),
    );
    expect(kinds(d.actions)).toEqual(['files blue=SERVING green=CLEANING_UP live=blue']);
    expect(d.status.phase).toBe('Idle');
  });
});

describe('autoPromote', () => {
  const auto = (w: World) => {
    w.spec = spec('SERVING', 'INITIALISING', { autoPromote: { standBySeconds: 3600 } });
    w.files = files('SERVING', 'INITIALISING', 'blue');
  };

  it('waits while the new colour catches up, then promotes it without a commit', () => {
    const catching = decideRelease(
      world(
        (w) => (auto(w), (w.deployments.green = { replicas: 2 }), (w.components.green = component(HEAD - 4000, false))),
      ),
    );
    expect([kinds(catching.actions), catching.status.phase]).toEqual([[], 'Waiting']);
    expect(catching.status.message).toBe(
      'green 1.5.0 is not ready to serve yet (orders-view-x: is 4000 events behind (at most 100)); it is promoted when it is',
    );
    expect(catching.status.colors.green?.readyToServe).toBe(false);
    const ready = decideRelease(world(auto));
    expect(kinds(ready.actions)).toEqual(['files blue=SERVING green=SERVING live=blue']);
  });

  it('lets the old colour stand by for standBySeconds after the switch, then scales it to zero and cleans it up', () => {
    const promoted = (completedAt: string) => (w: World) => {
      auto(w);
      w.files = files('STANDING_BY', 'SERVING', 'green');
      w.live = 'green';
      w.deployments.blue = { replicas: 1, readyReplicas: 1 };
      w.components = { blue: component(HEAD, false), green: component(HEAD, true) };
      w.previous = {
        phase: 'Idle',
        message: '',
        colors: {},
        conditions: [],
        switch: { from: 'blue', to: 'green', startedAt: completedAt, step: 'done', completedAt },
      };
    };
    const standing = decideRelease(world(promoted('2026-12-06T11:30:00Z')));
    expect(kinds(standing.actions)).toEqual([]);
    expect(standing.status.message).toBe(
      'green serves; blue stands by until 2026-12-06T12:30:00.000Z, then is cleaned up',
    );
    const expired = decideRelease(world(promoted('2026-12-06T10:00:00Z')));
    expect(kinds(expired.actions)).toEqual(['files blue=CLEANING_UP green=SERVING live=green', 'scale blue 0']);
    const down = decideRelease(
      world((w) => {
        promoted('2026-12-06T10:00:00Z')(w);
        w.files = files('CLEANING_UP', 'SERVING', 'green');
        w.deployments.blue = { replicas: 0, readyReplicas: 0 };
      }),
    );
    expect(kinds(down.actions)).toEqual(['cleanup blue']);
    const cleaned = decideRelease(
      world((w) => {
        promoted('2026-12-06T10:00:00Z')(w);
        w.files = files('CLEANING_UP', 'SERVING', 'green');
        w.deployments.blue = { replicas: 0, readyReplicas: 0 };
        w.jobs = { blue: { succeeded: true, failed: false } };
      }),
    );
    expect(kinds(cleaned.actions)).toEqual(['files blue=OBSOLETE green=SERVING live=green']);
    expect(cleaned.status.message).toBe('green serves; blue is OBSOLETE');
  });
});
