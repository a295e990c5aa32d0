/**
 * The review and side effects (issue 18, item 2): declaring side-effect groups for a live app is
 * a blocker unless the config says how their shared store is seeded; an app without a
 * declaration is asked when it is new and when a release starts, never on every change.
 */
import type { Add } from '../../../src/review/findings';
import { releaseChanges } from '../../../src/review/models';
import { blueGreen, enterprise, environment, rolling, validModel } from '../../support/builders';

const store = { jdbcUrl: 'jdbc:postgresql://db:5432', database: 'shared', credentialsSecret: 'db' };
const readModel = { jdbcUrl: 'jdbc:postgresql://db:5432', database: 'view', credentialsSecret: 'db' };
const cluster = enterprise({ 'axonserver-1': 'PRIMARY' });

type AppExtra = Parameters<typeof blueGreen>[3];
const model = (apps: ReturnType<typeof blueGreen>[]) => validModel(environment(cluster, apps));
const orders = (phases: [string, string], extra: AppExtra = {}) =>
  blueGreen('orders', [phases[0], '1.0.0'], [phases[1], '1.1.0'], { readModel, ...extra });

function findings(base: ReturnType<typeof model> | undefined, head: ReturnType<typeof model>): string[] {
  const out: string[] = [];
  const add: Add = (severity, rule, _object, message) => out.push(`${severity} ${rule}: ${message}`);
  releaseChanges(base ?? model([]), head, add);
  return out.filter((f) => f.includes('side-effects'));
}

describe('side effects in the review', () => {
  it('fails a live app that gains side-effect groups without a seed', () => {
    const base = model([orders(['SERVING', 'SCHEDULED'], { sideEffects: { processingGroups: [] } })]);
    const head = model([orders(['SERVING', 'SCHEDULED'], { sideEffects: { processingGroups: ['mailer'], store } })]);
    expect(findings(base, head)).toEqual([
      'blocker side-effects-unseeded: declares side-effect processing groups (mailer) for orders, which is live, without seeding their shared store: they would replay all history into their side effects',
    ]);
  });

  it('fails adopting a rolling app into blue/green with side-effect groups and no seed', () => {
    const base = model([rolling('orders', '1.0.0', { readModel })]);
    const head = model([
      orders(['SERVING', 'SCHEDULED'], {
        release: {
          strategy: 'blueGreen',
          adopt: 'blue',
          colors: { blue: { version: '1.0.0', phase: 'SERVING' }, green: { version: '1.1.0', phase: 'SCHEDULED' } },
        },
        sideEffects: { processingGroups: ['mailer'], store },
      }),
    ]);
    expect(findings(base, head)[0]).toMatch(/^blocker side-effects-unseeded: adopts side-effect processing groups/);
  });

  it('says what copyLive and startAtHead do instead of blocking', () => {
    const base = model([orders(['SERVING', 'SCHEDULED'], { sideEffects: { processingGroups: [] } })]);
    const copy = model([
      orders(['SERVING', 'SCHEDULED'], { sideEffects: { processingGroups: ['mailer'], store, seed: 'copyLive' } }),
    ]);
    expect(findings(base, copy)).toEqual([
      'warning side-effects-unseeded: seeds the shared store of mailer from the live processors before the change rolls out (Job orders-side-effects-seed, PreSync)',
    ]);
    const head = model([
      orders(['SERVING', 'SCHEDULED'], { sideEffects: { processingGroups: ['mailer'], store, seed: 'startAtHead' } }),
    ]);
    expect(findings(base, head)).toEqual([
      'warning side-effects-unseeded: mailer start at the newest event in the shared store: events published before the change reach none of their handlers',
    ]);
  });

  it('asks for a declaration when an app is new or starts a release, not on every change', () => {
    expect(findings(undefined, model([orders(['SERVING', 'SCHEDULED'])]))).toEqual([
      'warning side-effects-undeclared: orders is released blue/green with a read model but declares no side-effect processing groups',
    ]);
    const live = model([orders(['SERVING', 'SCHEDULED'])]);
    expect(findings(live, model([orders(['SERVING', 'SCHEDULED'], { replicas: 4 })]))).toEqual([]);
    expect(findings(live, model([orders(['SERVING', 'INITIALISING'])]))).toEqual([
      'warning side-effects-undeclared: orders starts a second colour on the same events but declares no side-effect processing groups',
    ]);
  });
});
