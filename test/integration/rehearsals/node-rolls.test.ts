/**
 * Rehearsals of node rollouts on real Kubernetes controllers (issue 19), as one story on one
 * environment: a clean install, then template changes applied as Argo CD (or kubectl) would
 * apply them — the rollout controller restarts the nodes one at a time, archive nodes first,
 * never letting a group drop below a majority of its PRIMARY voters. A real kube-apiserver,
 * kube-controller-manager and kube-scheduler; simulated Nodes and kubelet; the fake Axon Server
 * cluster; the controller as its rendered ServiceAccount (only what its Role allows).
 */
import {
  ARCHIVES,
  expectQuorumKept,
  fiveNodes,
  IMAGE_1,
  IMAGE_2,
  pause,
  rollOrder,
  stopsSince,
  useRehearsalCluster,
} from '../../support/node-rehearsal';
import { Rehearsal } from '../../support/rehearsal';

jest.setTimeout(120_000);
const rehearsal = useRehearsalCluster();

rehearsal.describe('an environment from install to its third change, on real controllers', () => {
  let r: Rehearsal;

  it('installs a clean cluster from nothing: the bootstrap node first, then one node at a time, no deadlock', async () => {
    r = rehearsal.track(new Rehearsal(rehearsal.cluster(), 'rolls', fiveNodes('rolls')));
    await r.setUp();
    await r.startController();
    await r.settled(90_000);
    const starts = r.axon.events.filter((e) => e.what.endsWith(' starts')).map((e) => e.what.replace(' starts', ''));
    expect(starts[0]).toBe('axonserver-1');
    const formed = r.axon.events.findIndex((e) => e.what === 'axonserver-1 forms the cluster');
    const second = r.axon.events.findIndex((e) => e.what.endsWith(' starts') && !e.what.startsWith('axonserver-1'));
    expect([formed >= 0, second > formed]).toEqual([true, true]);
    expect(stopsSince(r)).toEqual([]);
  });

  it('rolls an image bump across 5 nodes of two groups one at a time, archive nodes first, leaders last, never below a majority', async () => {
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes());
    r.apply(fiveNodes(r.namespace, IMAGE_2));
    const status = await r.settled();
    const order = stopsSince(r, before);
    expect(order).toEqual(expected);
    // One at a time: each node is back before the next stops.
    const timeline = r.axon.events
      .slice(before)
      .map((e) => e.what)
      .filter((w) => / (stops|is up)$/.test(w));
    expect(timeline).toEqual(order.flatMap((n) => [`${n} stops`, `${n} is up`]));
    expect(status.nodes.every((n) => n.revision === 'current')).toBe(true);
    expectQuorumKept(r);
  });

  it('survives its own kill mid-roll: a new instance takes the Lease over and carries on', async () => {
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes());
    r.apply(fiveNodes(r.namespace, IMAGE_1));
    await r.waitFor('the first restart', () => (stopsSince(r, before).length >= 1 ? true : undefined));
    r.killController();
    await r.startController();
    await r.settled();
    expect(stopsSince(r, before)).toEqual(expected);
    expect(r.log.some((l) => /^rehearsal-2: rehearsal-2 leads/.test(l))).toBe(true);
    expectQuorumKept(r);
  });

  it('follows a revert mid-roll: the restarted nodes go back, the others never restart', async () => {
    const before = r.axon.events.length;
    r.apply(fiveNodes(r.namespace, IMAGE_2));
    await r.waitFor('two restarts', () => (stopsSince(r, before).length >= 2 ? true : undefined));
    r.apply(fiveNodes(r.namespace, IMAGE_1));
    await r.settled();
    const stops = stopsSince(r, before);
    // The two archive nodes ran the new image and go back (the one still down first); no PRIMARY restarts.
    expect(stops.slice(0, 2)).toEqual(ARCHIVES);
    expect([...stops.slice(2)].sort()).toEqual(ARCHIVES);
    expectQuorumKept(r);
  });

  it('restarts nothing when a new template is applied while no controller runs; the controller rolls it later', async () => {
    await r.stopController();
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes());
    r.apply(fiveNodes(r.namespace, IMAGE_2));
    await pause(3_000);
    expect(stopsSince(r, before)).toEqual([]);
    await r.startController();
    await r.settled();
    expect(stopsSince(r, before)).toEqual(expected);
  });

  it('rolls a configuration-only change the same way: a new revision of axonserver.properties', async () => {
    const before = r.axon.events.length;
    const expected = rollOrder(r.axon.leaderNodes());
    r.apply(fiveNodes(r.namespace, IMAGE_2, { 'axoniq.axonserver.event.segment-size': '128MB' }));
    await r.settled();
    expect(stopsSince(r, before)).toEqual(expected);
    expectQuorumKept(r);
  });
});
