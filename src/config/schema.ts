/**
 * The shape of `config/<env>.yaml`, as zod schemas: the environment here, its areas in
 * `schema/` (building blocks in fields.ts, axon-server.ts, apps.ts, operations.ts).
 *
 * Strict objects everywhere: an unknown or misspelt key is an error, never silently dropped.
 * Every field has a description (shown by editors through `config/schema.json` and listed in the
 * configuration reference, docs/reference/configuration.md) and, where one exists, its default. Checks that involve several
 * fields (roles name existing nodes, quorum, phases) live in the model, not here.
 */
import { z } from 'zod';
import { labelValueProblem } from './formats';
import { affinitySchema, checked, jsonPointer, labels, name, objectName } from './schema/fields';
import { axonServerSchema } from './schema/axon-server';
import { appSchema } from './schema/apps';
import { argoCdSchema, controllerSchema, jobsSchema, monitoringSchema } from './schema/operations';

export { BACKUP_VOLUMES, VOLUME_NAMES } from './schema/axon-server';
export type { VolumeName } from './schema/axon-server';
export type { ControllerConfig, JobsConfig } from './schema/operations';

// ---------------------------------------------------------------------------------------------
// Environment

export const environmentSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema for editors (ignored).'),
  extends: z.string().optional().describe('A base file in the same directory (name starting with "_") that this file is merged over: maps merge, lists replace.'),
  environment: name(40, 'it names dist/<environment> and Argo CD objects').describe('Environment name; must match the file name (prod for config/prod.yaml).'),
  namespace: name(63, 'namespace names are DNS labels').describe('Namespace of all namespaced objects.'),
  partOf: checked(z.string(), labelValueProblem).optional().describe('Value of the app.kubernetes.io/part-of label. @default - the namespace'),
  labels: labels().default({}).describe('Extra labels on every object and pod (never in selectors or volume claim templates, which are immutable).'),
  axonServer: axonServerSchema.describe('The Axon Server cluster (or standalone node).'),
  apps: z.array(appSchema).default([]).describe('Axon Framework apps and their releases.'),
  extraManifests: z.string().min(1).optional().describe('A directory of your own manifests for this environment, relative to this file (e.g. `extra/prod`): every `*.yaml` in it (one or more objects each) goes into the apps part of dist/<environment>/ — its kustomization, the apps Application, the AppProject\'s kinds and the review. Objects get the environment\'s namespace; a Secret or a Namespace is refused, and so is a name axon-deploy renders.'),
  patches: z.array(z.strictObject({
    target: z.strictObject({
      kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, { error: 'expected a kind like Deployment' }).describe('Kind of the object.'),
      name: objectName().describe('Name of the object.'),
    }).describe('The object in dist/<environment>/ to patch.'),
    patch: z.array(z.discriminatedUnion('op', [
      z.strictObject({ op: z.literal('add'), path: jsonPointer(), value: z.unknown() }),
      z.strictObject({ op: z.literal('replace'), path: jsonPointer(), value: z.unknown() }),
      z.strictObject({ op: z.literal('test'), path: jsonPointer(), value: z.unknown() }),
      z.strictObject({ op: z.literal('remove'), path: jsonPointer() }),
      z.strictObject({ op: z.literal('move'), from: jsonPointer(), path: jsonPointer() }),
      z.strictObject({ op: z.literal('copy'), from: jsonPointer(), path: jsonPointer() }),
    ], { error: 'expected a JSON patch operation: op add, remove, replace, move, copy or test' })).min(1).describe('RFC 6902 operations, applied in order.'),
    why: z.string().min(10, { error: 'expected a reason of at least 10 characters: reviewers read it' }).describe('Why the field is needed (shown in reviews): patches are for what the config cannot say yet.'),
  })).default([]).describe('JSON patches (RFC 6902) of rendered objects: the escape hatch for a field axon-deploy does not offer. Every patched object still passes validate and the strict server-side dry-run.'),
  monitoring: monitoringSchema.prefault({}),
  jobs: jobsSchema.prefault({}),
  controller: controllerSchema.prefault({}),
  argocd: argoCdSchema.optional().describe('Argo CD Applications (the Axon Server cluster and the apps, synced independently) and AppProject of this environment, written to dist/argocd/<environment>.yaml.'),
});

export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type AxonServerConfig = EnvironmentConfig['axonServer'];
export type NodeConfig = AxonServerConfig['nodes'][number];
export type AppConfig = EnvironmentConfig['apps'][number];
export type ArgoCdConfig = NonNullable<EnvironmentConfig['argocd']>;
export type MonitoringConfig = EnvironmentConfig['monitoring'];

export type AffinityConfig = z.output<typeof affinitySchema>;
