/**
 * Rehearsals of what holds a node rollout on real Kubernetes controllers (issue 19): a voter down
 * before the roll, a restarted node that lags its leader, REST errors and timeouts, an eviction
 * mid-roll (the real disruption controller and the PodDisruptionBudget), two template changes in
 * a row. In each the controller waits — restarts nothing it should not — and finishes the roll
 * once the cause is gone. One environment, one story (see node-rolls.test.ts for the setting).
 */
import {
  expectQuorumKept,
  fiveNodes,
  IMAGE_1,
  IMAGE_2,
  pause,
  PRIMARIES,
  rollOrder,
  stopsSince,
  useRehearsalCluster,
} from '../../support/node-rehearsal';
import { Rehearsal } from '../../support/rehearsal';

jest.setTimeout(120_000);
const rehearsal = useRehearsalCluster();

rehearsal.describe('what holds a roll, on real controllers', () => {
  let r: Rehearsal;
  let image = IMAGE_1;
  /** A new template for every chapter, whichever ran before. */
  const next = () => {
    image = image === IMAGE_1 ? IMAGE_2 : IMAGE_1;
    return fiveNodes(r.namespace, image);
  };

  beforeAll(async () => {
    r = rehearsal.track(new Rehearsal(rehearsal.cluster(), 'guards', fiveNodes('guards')));
    await r.setUp();
    await r.startController();
    await r.settled(90_000);
  }, 120_000);

  it('waits while a voter is already down before the roll (restarting only that one), and rolls once it is back', async () => {
    r.axon.crash('axonserver-3');
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes()).filter((n) => n !== 'axonserver-3');
    r.apply(next());
    // The down node runs an outdated revision: restarting it loses nothing; the others wait for it.
    await r.waitFor('axonserver-3 restarted', () =>
      stopsSince(r, before).includes('axonserver-3') ? true : undefined,
    );
    await pause(2_000);
    expect(stopsSince(r, before)).toEqual(['axonserver-3']);
    expect((await r.status())?.message).toMatch(/^waiting to restart archive-1: axonserver-3 /);
    r.axon.recover('axonserver-3');
    await r.settled();
    expect(stopsSince(r, before)).toEqual(['axonserver-3', ...expected]);
    expectQuorumKept(r);
  });

  it('waits while a restarted node lags its leader, and goes on once it has caught up', async () => {
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes());
    r.axon.faults.set('archive-1', { kind: 'stalled' });
    r.apply(next());
    await r.waitFor('archive-1 restarted and lagging', async () =>
      stopsSince(r, before).includes('archive-1') &&
      /archive-1 is \d+ entries behind|reports archive-1 BEHIND/.test((await r.status())?.message ?? '')
        ? true
        : undefined,
    );
    await pause(1_500);
    expect(stopsSince(r, before)).toEqual(['archive-1']);
    expect((await r.status())?.message).toMatch(
      /^waiting to restart archive-2: (archive-1 is \d+ entries behind the leader of orders \(at most 100\)|the leader of orders reports archive-1 BEHIND)$/,
    );
    r.axon.faults.delete('archive-1');
    await r.settled();
    expect(stopsSince(r, before)).toEqual(expected);
  });

  it('never restarts on REST errors or timeouts, and rolls once Axon Server answers again', async () => {
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes());
    for (const n of PRIMARIES) r.axon.faults.set(n, { kind: 'status', code: 503, paths: /replicationgroups/ });
    r.axon.faults.set('archive-2', { kind: 'hang' });
    r.apply(next());
    await r.waitFor('the controller waiting on the errors', async () =>
      (await r.status())?.message.includes('HTTP 503') ? true : undefined,
    );
    await pause(2_000);
    expect(stopsSince(r, before)).toEqual([]);
    r.axon.faults.clear();
    await r.settled();
    expect(stopsSince(r, before)).toEqual(expected);
    expectQuorumKept(r);
  });

  /** Evicts a pod through the Eviction API, as a node drain does; the server's refusal as an error. */
  const evict = (pod: string) =>
    r.cluster.kubectl(
      ['create', '--raw', `/api/v1/namespaces/${r.namespace}/pods/${pod}/eviction`, '-f', '-'],
      JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: r.namespace } }),
    );

  it('keeps evictions out while a node is out of its groups (its readiness gate), and starts an evicted node at once on the new revision', async () => {
    const before = r.axon.events.length;
    r.axon.faults.set('archive-1', { kind: 'stalled' });
    r.apply(next());
    await r.waitFor('archive-1 restarted and lagging', async () =>
      stopsSince(r, before).includes('archive-1') && /archive-1/.test((await r.status())?.message ?? '')
        ? true
        : undefined,
    );
    // archive-1 is running but not back in its groups: not Ready, so the budget of one is spent.
    await r.waitFor('the disruption controller counting archive-1 out', () => {
      try {
        evict('axonserver-2-0');
        throw new Error('axonserver-2-0 was evicted while archive-1 was out of its groups');
      } catch (err) {
        return /disruption budget/.test((err as Error).message) ? true : undefined;
      }
    });
    r.axon.faults.delete('archive-1');
    // Once archive-1 is back, a drain may take a node the roll has not reached; it starts at once.
    await r.waitFor('axonserver-2-0 evicted', () => {
      try {
        evict('axonserver-2-0');
        return true;
      } catch {
        return undefined;
      }
    });
    await r.settled();
    const stops = stopsSince(r, before);
    expect(stops.filter((n) => n === 'axonserver-2')).toEqual(['axonserver-2']); // evicted once, never restarted again
    expect([...stops].sort()).toEqual(['archive-1', 'archive-2', 'axonserver-1', 'axonserver-2', 'axonserver-3']);
    expectQuorumKept(r);
  });

  it('follows two template changes in a row: every node ends on the last, never two down at once', async () => {
    const before = r.axon.events.length;
    r.apply(next());
    await r.waitFor('the first restart of the first change', () =>
      stopsSince(r, before).length >= 1 ? true : undefined,
    );
    r.apply(fiveNodes(r.namespace, image, { 'axoniq.axonserver.event.segment-size': '64MB' }));
    const status = await r.settled();
    expect(status.nodes.every((n) => n.revision === 'current')).toBe(true);
    const stops = stopsSince(r, before);
    // A node restarted for the first change restarts once more; the others only for the second.
    expect(stops.length).toBeGreaterThanOrEqual(5);
    expect(stops.length).toBeLessThanOrEqual(7);
    const timeline = r.axon.events
      .slice(before)
      .map((e) => e.what)
      .filter((w) => / (stops|is up)$/.test(w));
    // Never two nodes down at once (a node still starting on the first change is recreated at once on the second).
    const down = new Set<string>();
    for (const what of timeline) {
      const [node, ...verb] = what.split(' ');
      if (verb.join(' ') === 'stops') {
        expect({ node, othersDown: [...down].filter((n) => n !== node) }).toEqual({ node, othersDown: [] });
        down.add(node);
      } else down.delete(node);
    }
    expectQuorumKept(r);
  });
});
