/**
 * axon-deploy as a library, for a team's own cdk8s app: load and model the environments of a
 * config directory, then compose the environment chart (or the Axon Server and app constructs)
 * with objects of your own. The command line (`axon-deploy`) is built from the same pieces.
 *
 * @example
 *   import { App } from 'cdk8s';
 *   import { ClusterScopedChart, EnvironmentChart, loadEnvironments } from 'axon-deploy';
 *   const { environments, diagnostics } = loadEnvironments('config');
 *   const app = new App();
 *   for (const { model } of environments) {
 *     const chart = new EnvironmentChart(app, model.name, { model });
 *     // …your own objects in `chart`…
 *   }
 */
import { buildAll } from './build';
import type { Diagnostic } from './config/diagnostics';
import type { RenderInput } from './synth/render';

export interface LoadResult {
  /** Every environment that built, with its model and the file it came from. */
  readonly environments: readonly RenderInput[];
  /** Every problem found, errors and warnings, sorted by file and line. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Loads, validates and models every environment of `configDir` (`<env>.yaml`, `_*.yaml` bases).
 * Nothing is thrown for a configuration mistake: check `hasErrors(diagnostics)`.
 *
 * @param configDir the config directory, relative to `cwd`
 * @param cwd the directory file names in messages are relative to (default: the process's)
 */
export function loadEnvironments(configDir: string, cwd: string = process.cwd()): LoadResult {
  const { inputs, diagnostics } = buildAll(configDir, cwd);
  return { environments: inputs, diagnostics };
}

export { buildEnvironment } from './model/environment';
export type { BuildResult } from './model/environment';
export { formatDiagnostic, hasErrors } from './config/diagnostics';
export type { Diagnostic, SourcePosition } from './config/diagnostics';
export { environmentSchema } from './config/schema';
export type { EnvironmentConfig, AxonServerConfig, AppConfig, NodeConfig, ArgoCdConfig } from './config/schema';

export { EnvironmentChart, ClusterScopedChart, ArgoCdChart } from './charts/environment';
export type { EnvironmentChartProps, ArgoCdChartProps } from './charts/environment';
export { AxonServerCluster } from './constructs/axon-server-cluster';
export type { AxonServerClusterProps } from './constructs/axon-server-cluster';
export { AxonServerNode } from './constructs/axon-server-node';
export type { AxonServerNodeProps } from './constructs/axon-server-node';
export { AppRelease } from './constructs/app-release';
export type { AppReleaseProps } from './constructs/app-release';
export { ArgoCdApplication } from './constructs/argocd-application';
export type { ArgoCdApplicationProps } from './constructs/argocd-application';
export { Service } from './constructs/service';
export type { ServiceProps } from './constructs/service';
export { PodDisruptionBudget } from './constructs/pod-disruption-budget';
export type { PodDisruptionBudgetProps } from './constructs/pod-disruption-budget';
export { StorageClasses } from './constructs/storage-classes';
export type { StorageClassesProps } from './constructs/storage-classes';

export { renderOutput, synthesizeEnvironment, toYaml } from './synth/render';
export type { KubeObject, OutputTree, RenderInput } from './synth/render';
export { writeTreeAtomically } from './synth/output';

export * from './domain/phases';
export * from './domain/roles';
export * from './domain/keys';
export { WAVE } from './domain/waves';
export { REVIEW_RULES, RULE_IDS } from './domain/rules';
export type { RuleId, RuleInfo } from './domain/rules';
export type * from './model/types';

export { runCli } from './cli/main';
export type { CommandIo } from './cli/main';
/** The JSON summaries of `synth --format json` and `validate --format json`. */
export type { SynthJson } from './cli/commands/synth';
export type { ValidateJson } from './cli/commands/validate';
