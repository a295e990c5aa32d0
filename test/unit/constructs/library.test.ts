/**
 * The library as a team's own cdk8s app uses it (docs/reference/library.md): axon-deploy's
 * environment chart composed with the team's objects, written with cdk8s-plus-27 (the library's
 * optional peer dependency: the command line never loads it).
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { EnvironmentChart, type KubeObject } from '../../../src';
import { enterprise, environment, validModel } from '../../support/builders';

const model = validModel(
  environment(enterprise({ 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' })),
);

it("composes the team's cdk8s-plus objects with the environment chart, in the environment's namespace", () => {
  const chart = new EnvironmentChart(Testing.app(), 'test', { model });
  new kplus.ConfigMap(chart, 'team-settings', { metadata: { name: 'team-settings' }, data: { owner: 'orders' } });
  const objects = Testing.synth(chart) as KubeObject[];
  const own = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'team-settings');
  expect(own).toMatchObject({ metadata: { namespace: 'orders-test' }, data: { owner: 'orders' } });
  expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(true);
});
