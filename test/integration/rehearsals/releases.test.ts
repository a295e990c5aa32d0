/**
 * Rehearsals of blue/green releases on real Kubernetes controllers (issue 20): the Deployment,
 * ReplicaSet, HPA and Job controllers and the scheduler act on what is applied, as an Argo CD sync
 * of the apps Application would apply it (the fields the rollout controller owns keep their live
 * values); simulated app pods connect to the fake Axon Server, replay their processors, and
 * subscribe their handlers only while their release file says SERVING. Every subscription and
 * cancellation is logged: no moment without a colour holding the handlers, never two once a switch
 * is done. One app, one story.
 */
import type { ReleaseColor, ReleasePhase } from '../../../src/controller/api';
import type { EnvironmentModel } from '../../../src/model/types';
import { RESOURCES } from '../../../src/kube/client';
import type { ConfigMap, Deployment, HorizontalPodAutoscaler, Service } from '../../../src/kube/objects';
import { blueGreen, enterprise, environment, node, validModel } from '../../support/builders';
import { pause, useRehearsalCluster } from '../../support/node-rehearsal';
import { Rehearsal, STORAGE_CLASS } from '../../support/rehearsal';

jest.setTimeout(120_000);
const rehearsal = useRehearsalCluster();

const NAMESPACE = 'releases';
const APP = 'orders';
const PRIMARIES = ['axonserver-1', 'axonserver-2', 'axonserver-3'];

interface Colors {
  blue: [ReleasePhase, string];
  green: [ReleasePhase, string];
  autoPromote?: number;
}

function model(c: Colors): EnvironmentModel {
  const volume = { size: '1Gi', storageClass: STORAGE_CLASS };
  return validModel(
    environment(
      enterprise(Object.fromEntries(PRIMARIES.map((n) => [n, 'PRIMARY' as const])), {
        nodes: PRIMARIES.map((n) => node(n, { volumes: { events: volume, data: volume, log: volume } })),
        rollout: { settleSeconds: 0 },
      }),
      [
        blueGreen(APP, c.blue, c.green, {
          autoscaling: { minReplicas: 2, maxReplicas: 6 },
          sideEffects: { processingGroups: [] },
          release: {
            strategy: 'blueGreen',
            colors: {
              blue: { version: c.blue[1], phase: c.blue[0] },
              green: { version: c.green[1], phase: c.green[0] },
            },
            promotion: { timeoutSeconds: 60 },
            minReadySeconds: 0,
            ...(c.autoPromote !== undefined ? { autoPromote: { standBySeconds: c.autoPromote } } : {}),
          },
        } as never),
      ],
      { namespace: NAMESPACE, controller: { pollSeconds: 0.1 } },
    ),
  );
}

rehearsal.describe('blue/green releases, on real controllers', () => {
  let r: Rehearsal;
  const component = (c: ReleaseColor) => `${APP}-${c}`;
  const status = async () => (await r.release(APP))?.status;
  const live = async () =>
    (await r.cluster.admin.get<Service>(RESOURCES.services, NAMESPACE, APP))?.spec?.selector?.['axon-deploy.io/color'];
  const files = async () =>
    (await r.cluster.admin.get<ConfigMap>(RESOURCES.configMaps, NAMESPACE, `${APP}-release`))?.data;
  const idleServing = (c: ReleaseColor) =>
    r.waitFor(`${c} serving, the AppRelease Idle`, async () => {
      const s = await status();
      return s?.phase === 'Idle' && s.serving === c && (await live()) === c && r.axon.holdsSubscriptions(component(c))
        ? s
        : undefined;
    });
  /** Which components held the handlers over time; never none once one did, one when a switch is done. */
  const expectHandlersAlwaysHeld = () => {
    const held = new Set<string>();
    let started = false;
    for (const e of r.axon.events) {
      const m = /^(\S+) (subscribes|unsubscribes)$/.exec(e.what);
      if (!m) continue;
      if (m[2] === 'subscribes') held.add(m[1]);
      else held.delete(m[1]);
      started ||= held.size > 0;
      if (started) expect({ at: e.at, what: e.what, held: held.size > 0 }).toMatchObject({ held: true });
    }
    expect(started).toBe(true);
  };
  const expectOnlyServing = (c: ReleaseColor) => {
    expect([r.axon.holdsSubscriptions(component('blue')), r.axon.holdsSubscriptions(component('green'))]).toEqual([
      c === 'blue',
      c === 'green',
    ]);
  };

  beforeAll(async () => {
    r = rehearsal.track(
      new Rehearsal(
        rehearsal.cluster(),
        NAMESPACE,
        model({ blue: ['SERVING', '1.0.0'], green: ['SCHEDULED', '1.1.0'] }),
        {
          apps: {
            [APP]: {
              context: 'orders',
              processors: ['orders-view'],
              commands: ['PlaceOrder', 'CancelOrder'],
              queries: ['FindOrder'],
            },
          },
          catchUpRate: 150,
        },
      ),
    );
    await r.setUp();
    await r.startController();
    await r.settled(90_000);
    await r.applyApps(model({ blue: ['SERVING', '1.0.0'], green: ['SCHEDULED', '1.1.0'] }));
  }, 120_000);

  it('installs the app: blue serves, its handlers subscribed', async () => {
    await idleServing('blue');
    expectOnlyServing('blue');
  });

  it('starts green INITIALISING: it replays and subscribes nothing while it does; the AppRelease says when it could serve', async () => {
    await r.applyApps(model({ blue: ['SERVING', '1.0.0'], green: ['INITIALISING', '1.1.0'] }));
    const s = await r.waitFor('green ready to serve', async () =>
      (await status())?.colors.green?.readyToServe ? (await status())! : undefined,
    );
    expect(s.colors.green).toMatchObject({ effectivePhase: 'INITIALISING', declaredPhase: 'INITIALISING' });
    expectOnlyServing('blue');
  });

  it('holds a promotion while a processor lags, and completes it once caught up, with no gap in the handlers', async () => {
    r.axon.processorFaults.set(component('green'), 'stalled');
    await r.waitFor('green behind', () => (r.axon.processorLag(component('green'), 'orders') > 200 ? true : undefined));
    await r.applyApps(model({ blue: ['STANDING_BY', '1.0.0'], green: ['SERVING', '1.1.0'] }));
    const waiting = await r.waitFor('the switch held', async () => {
      const s = await status();
      return s?.phase === 'Waiting' && /orders-view-green is \d+ events behind/.test(s.message) ? s : undefined;
    });
    expect(waiting.message).toMatch(
      /^waiting to switch to green: orders-view-green is \d+ events behind \(at most 100\)$/,
    );
    await pause(1_000);
    expect(await live()).toBe('blue');
    expectOnlyServing('blue');
    r.axon.processorFaults.delete(component('green'));
    await idleServing('green');
    await r.waitFor('blue unsubscribed', () => (r.axon.holdsSubscriptions(component('blue')) ? undefined : true));
    expectOnlyServing('green');
    expect(await files()).toMatchObject({ 'blue.phase': 'STANDING_BY', 'green.phase': 'SERVING', live: 'green' });
    expectHandlersAlwaysHeld();
  });

  it("rolls back only once blue has as many ready pods as green had: its autoscaler's floor raised to green's count", async () => {
    // Load: green's autoscaler took it to 4 pods (within its bounds, 2 to 6).
    await r.cluster.admin.patch(RESOURCES.deployments, NAMESPACE, `${APP}-green`, { spec: { replicas: 4 } }, 'merge');
    await r.waitFor('green at 4 ready pods', async () =>
      (await r.cluster.admin.get<Deployment>(RESOURCES.deployments, NAMESPACE, `${APP}-green`))?.status
        ?.readyReplicas === 4
        ? true
        : undefined,
    );
    r.unready.add(component('blue'));
    await r.applyApps(model({ blue: ['SERVING', '1.0.0'], green: ['STANDING_BY', '1.1.0'] }));
    await r.waitFor("the rollback held on blue's pods", async () =>
      /blue has \d+ ready pods of the 4 it needs \(green runs 4\)/.test((await status())?.message ?? '')
        ? true
        : undefined,
    );
    const hpa = await r.cluster.admin.get<HorizontalPodAutoscaler>(
      RESOURCES.horizontalPodAutoscalers,
      NAMESPACE,
      `${APP}-blue`,
    );
    expect(hpa?.spec?.minReplicas).toBe(4);
    expect(await live()).toBe('green');
    r.unready.delete(component('blue'));
    await idleServing('blue');
    await r.waitFor('green unsubscribed', () => (r.axon.holdsSubscriptions(component('green')) ? undefined : true));
    expectOnlyServing('blue');
    expectHandlersAlwaysHeld();
  });

  it('never switches while Axon Server does not answer, and switches once it does', async () => {
    for (const n of PRIMARIES)
      r.axon.faults.set(n, { kind: 'status', code: 503, paths: /^\/v1\/(public\/status|components)/ });
    await r.applyApps(model({ blue: ['STANDING_BY', '1.0.0'], green: ['SERVING', '1.1.0'] }));
    await r.waitFor('the switch held', async () =>
      (await status())?.message.includes('Axon Server does not answer') ? true : undefined,
    );
    await pause(1_000);
    expect(await live()).toBe('blue');
    r.axon.faults.clear();
    await idleServing('green');
    await r.waitFor('blue unsubscribed', () => (r.axon.holdsSubscriptions(component('blue')) ? undefined : true));
    expectHandlersAlwaysHeld();
  });

  it('completes a switch after its controller is killed in the middle of it', async () => {
    await r.applyApps(model({ blue: ['SERVING', '1.0.0'], green: ['STANDING_BY', '1.1.0'] }));
    await r.waitFor('blue told it serves', async () =>
      (await files())?.['blue.phase'] === 'SERVING' ? true : undefined,
    );
    r.killController();
    await r.startController();
    await idleServing('blue');
    await r.waitFor('green unsubscribed', () => (r.axon.holdsSubscriptions(component('green')) ? undefined : true));
    expectOnlyServing('blue');
    expectHandlersAlwaysHeld();
  });

  it('autoPromote: one change walks the release — promoted when caught up, the old colour stands by, is cleaned up, OBSOLETE', async () => {
    await r.applyApps(model({ blue: ['SERVING', '1.0.0'], green: ['INITIALISING', '1.2.0'], autoPromote: 1 }));
    await idleServing('green');
    const done = await r.waitFor(
      'blue OBSOLETE',
      async () => ((await files())?.['blue.phase'] === 'OBSOLETE' ? (await status())! : undefined),
      60_000,
    );
    expect(done.message).toBe('green serves; blue is OBSOLETE');
    const blue = await r.cluster.admin.get<Deployment>(RESOURCES.deployments, NAMESPACE, `${APP}-blue`);
    expect(blue?.spec?.replicas).toBe(0);
    const job = await r.cluster.admin.get<{ status?: { succeeded?: number } }>(
      RESOURCES.jobs,
      NAMESPACE,
      `${APP}-blue-cleanup-1-0-0`,
    );
    expect(job?.status?.succeeded).toBe(1);
    expectOnlyServing('green');
    expectHandlersAlwaysHeld();
  });
});
