/**
 * Side-effect processing groups keep all their state in the one shared store (issue 18, items
 * 1 and 2): every colour points its side-effect groups (a saga among them) at the same database,
 * never at its own read model; where they start is said, never left to chance.
 */
import type { EnvVar } from '../../../src/model/types';
import { blueGreen, enterprise, environment, validModel } from '../../support/builders';

const store = { jdbcUrl: 'jdbc:postgresql://orders-db:5432', database: 'orders_shared', credentialsSecret: 'db' };
const readModel = { jdbcUrl: 'jdbc:postgresql://orders-db:5432', database: 'orders_view', credentialsSecret: 'db' };

function app(extra: Parameters<typeof blueGreen>[3] = {}) {
  return validModel(
    environment(enterprise({ 'axonserver-1': 'PRIMARY' }), [
      blueGreen('orders', ['SERVING', '1.0.0'], ['INITIALISING', '1.1.0'], {
        readModel,
        sideEffects: { processingGroups: ['payment-saga', 'mailer'], store },
        ...extra,
      }),
    ]),
  ).apps[0];
}

const value = (env: readonly EnvVar[], name: string) => {
  const e = env.find((x) => x.name === name);
  return e && 'value' in e ? e.value : undefined;
};

describe('side-effect groups in blue/green', () => {
  it('point every colour of a saga group at the shared store, not at the colour database', () => {
    const orders = app();
    const colours = orders.deployments.map((d) => d.pod.containers[0].env);
    expect(colours).toHaveLength(2);
    for (const env of colours) {
      expect(value(env, 'DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS')).toBe('mailer,payment-saga');
      expect(value(env, 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL')).toBe(
        'jdbc:postgresql://orders-db:5432/orders_shared',
      );
      expect(value(env, 'SPRING_DATASOURCE_URL')).not.toBe(value(env, 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL'));
    }
    expect(new Set(colours.map((env) => value(env, 'SPRING_DATASOURCE_URL')))).toEqual(
      new Set([
        'jdbc:postgresql://orders-db:5432/orders_view_blue',
        'jdbc:postgresql://orders-db:5432/orders_view_green',
      ]),
    );
  });

  it('starts groups without a token at the tail unless the config chose the head', () => {
    const tail = app().deployments[0].pod.containers[0].env;
    expect(value(tail, 'DEPLOYMENT_SIDE_EFFECT_START')).toBe('tail');
    const head = app({ sideEffects: { processingGroups: ['mailer'], store, seed: 'startAtHead' } });
    expect(value(head.deployments[0].pod.containers[0].env, 'DEPLOYMENT_SIDE_EFFECT_START')).toBe('head');
    expect(head.seedJob).toBeUndefined();
  });

  it('seeds the shared store from the live colour before the sync with copyLive', () => {
    const job = app({ sideEffects: { processingGroups: ['mailer', 'payment-saga'], store, seed: 'copyLive' } }).seedJob;
    expect(job?.meta).toMatchObject({ name: 'orders-side-effects-seed', hook: { phase: 'PreSync' } });
    const [exportStep] = job!.pod.initContainers!;
    const [importStep] = job!.pod.containers;
    const env = (c: typeof importStep) =>
      Object.fromEntries(c.env.map((e) => [e.name, 'value' in e ? e.value : 'secret']));
    expect(env(exportStep).PGDATABASE).toBe('orders_view_blue');
    expect(exportStep.args).toContain('source_processors=mailer-blue,payment-saga-blue');
    expect(env(importStep).PGDATABASE).toBe('orders_shared');
    expect(importStep.args).toContain('suffix=-blue');
  });
});
