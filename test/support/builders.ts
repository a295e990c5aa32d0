/**
 * Typed builders of environment configurations, for pure model tests: each returns the input a
 * config file would hold (zod's input type, so a misspelt field is a compile error), with small
 * valid defaults that a test overrides one field at a time.
 */
import type { z } from 'zod';
import { shippedAssets } from '../../src/assets';
import { environmentSchema } from '../../src/config/schema';
import { buildEnvironment } from '../../src/model/environment';
import type { AppModel, BlueGreenAppModel, EnvironmentModel, ModelIssue } from '../../src/model/types';

export type EnvironmentInput = z.input<typeof environmentSchema>;
type AxonServerInput = EnvironmentInput['axonServer'];
export type NodeInput = AxonServerInput['nodes'][number];
export type AppInput = NonNullable<EnvironmentInput['apps']>[number];
type Role = 'PRIMARY' | 'SECONDARY' | 'ACTIVE_BACKUP' | 'PASSIVE_BACKUP' | 'MESSAGING_ONLY';

export const IMAGE = 'axoniq/axonserver:2025.1.5-jdk-17-nonroot';

/** A node with the three volumes every node needs. */
export function node(name: string, extra: Partial<NodeInput> = {}): NodeInput {
  return { name, volumes: { events: { size: '10Gi' }, data: { size: '1Gi' }, log: { size: '1Gi' } }, ...extra };
}

/** An enterprise cluster: the given nodes and roles in one replication group `orders`. */
export function enterprise(
  roles: Readonly<Record<string, Role>>,
  extra: Partial<AxonServerInput> = {},
): AxonServerInput {
  return {
    edition: 'enterprise',
    image: IMAGE,
    license: { secretName: 'axoniq-license' },
    nodes: Object.keys(roles).map((n) => node(n)),
    replicationGroups: [{ name: 'orders', contexts: ['orders'], roles: { ...roles } }],
    ...extra,
  };
}

/** One standalone standard-edition node. */
export function standard(extra: Partial<AxonServerInput> = {}): AxonServerInput {
  return { edition: 'standard', image: IMAGE, nodes: [node('axonserver')], ...extra };
}

/** A blue/green app on context `orders`. */
export function blueGreen(
  name: string,
  blue: [string, string],
  green: [string, string],
  extra: Partial<AppInput> = {},
): AppInput {
  return {
    name,
    image: `registry.example.com/orders/${name}`,
    context: 'orders',
    release: {
      strategy: 'blueGreen',
      colors: {
        blue: { version: blue[1], phase: blue[0] as never },
        green: { version: green[1], phase: green[0] as never },
      },
    },
    ...extra,
  };
}

/** A rolling app on context `orders`. */
export function rolling(name: string, version: string, extra: Partial<AppInput> = {}): AppInput {
  return {
    name,
    image: `registry.example.com/orders/${name}`,
    context: 'orders',
    release: { strategy: 'rolling', version },
    ...extra,
  };
}

/** An environment `test` in namespace `orders-test`. */
export function environment(
  axonServer: AxonServerInput,
  apps: AppInput[] = [],
  extra: Partial<EnvironmentInput> = {},
): EnvironmentInput {
  return { environment: 'test', namespace: 'orders-test', axonServer, apps, ...extra };
}

/** Validates and models an environment; throws when the input does not even validate. */
export function modelOf(input: EnvironmentInput): {
  model?: EnvironmentModel;
  errors: string[];
  warnings: string[];
  issues: readonly ModelIssue[];
} {
  const parsed = environmentSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(`invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { model, issues } = buildEnvironment(parsed.data, 'config/test.yaml', shippedAssets());
  const text = (severity: string) =>
    issues.filter((i) => i.severity === severity).map((i) => `${i.path.join('.')}: ${i.message}`);
  return { model, errors: text('error'), warnings: text('warning'), issues };
}

/** The model of a valid environment; fails the test with the errors otherwise. */
export function validModel(input: EnvironmentInput): EnvironmentModel {
  const { model, errors } = modelOf(input);
  if (!model) throw new Error(`expected a valid model, got errors:\n${errors.join('\n')}`);
  return model;
}

/** A blue/green app of a model (fails the test when it is not one). */
export function blueGreenOf(app: AppModel | undefined): BlueGreenAppModel {
  if (app?.strategy !== 'blueGreen') throw new Error(`expected a blue/green app, got ${app?.strategy ?? 'none'}`);
  return app;
}
