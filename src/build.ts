/**
 * The pipeline up to the models: load every environment of a config directory, validate it,
 * build its model, check across environments. Used by the synth and by the review.
 */
import * as path from 'node:path';
import { shippedAssets } from './assets';
import { Diagnostic, sortDiagnostics } from './config/diagnostics';
import { loadConfigDirectory } from './config/loader';
import { positionIssues } from './config/positions';
import { checkAcrossEnvironments } from './model/cross-environment';
import { buildEnvironment } from './model/environment';
import type { EnvironmentModel } from './model/types';
import type { ModelIssue } from './model/types';
import { PatchError } from './synth/patches';
import { RenderInput, synthesizeParts } from './synth/render';

/**
 * Renders an environment with patches once, so a patch that does not apply is a config error
 * with its position; the objects are kept for the render.
 */
function checkPatches(model: EnvironmentModel): { problem?: ModelIssue; parts?: RenderInput['parts'] } {
  if (model.patches.length === 0) return {};
  try {
    return { parts: synthesizeParts(model) };
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    return { problem: { severity: 'error', path: ['patches', err.index, 'patch'], message: err.message } };
  }
}

/** Loads, validates and models every environment of `configDir` (relative to `cwd`); returns the models or all the problems. */
export function buildAll(configDir: string, cwd: string): { inputs: RenderInput[]; diagnostics: Diagnostic[] } {
  const loaded = loadConfigDirectory(path.resolve(cwd, configDir), cwd);
  const diagnostics = [...loaded.diagnostics];
  const inputs: RenderInput[] = [];
  const models: EnvironmentModel[] = [];
  for (const env of loaded.environments) {
    const result = buildEnvironment(env.config, env.file, shippedAssets(), env.extras);
    diagnostics.push(...positionIssues(env.source, result.issues));
    const patched = result.model ? checkPatches(result.model) : {};
    if (patched.problem) diagnostics.push(...positionIssues(env.source, [patched.problem]));
    else if (result.model) {
      inputs.push({ model: result.model, sourceFile: env.file, parts: patched.parts });
      models.push(result.model);
    }
  }
  for (const issue of checkAcrossEnvironments(models)) {
    const env = loaded.environments.find((e) => e.name === issue.environment)!;
    diagnostics.push(...positionIssues(env.source, [issue]));
  }
  return { inputs, diagnostics: sortDiagnostics(diagnostics) };
}
