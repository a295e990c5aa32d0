/**
 * A validated environment configuration -> its model, with every problem found on the way.
 * Pure: no files, no clock, no environment variables.
 */
import type { Assets } from '../assets';
import type { ExtraManifest } from '../config/extra-manifests';
import type { EnvironmentConfig } from '../config/schema';
import { buildApps, controllerOwnedFields } from './apps';
import { buildArgoCd } from './argocd';
import { buildAxonServer } from './axon-server';
import { buildController } from './controller';
import { Issues } from './issues';
import { RESERVED_LABEL_PREFIXES } from '../domain/keys';
import { LabelScheme } from './labels';
import { NameRegistry } from './names';
import { secretLiteralProblem } from './secret-literals';
import { SecretRegistry } from './secrets';
import type { EnvironmentModel, ExtraObject, ModelIssue, PatchModel, SecretRef } from './types';

export interface BuildResult {
  /** Present when there are no errors (warnings allowed). */
  readonly model?: EnvironmentModel;
  readonly issues: readonly ModelIssue[];
}

export function buildEnvironment(
  config: EnvironmentConfig,
  sourceFile: string,
  assets: Assets,
  extras: readonly ExtraManifest[] = [],
): BuildResult {
  const issues = new Issues();
  checkLabels(config, issues);
  const shared = {
    namespace: config.namespace,
    labels: new LabelScheme(config.partOf ?? config.namespace, config.labels),
    issues,
    names: new NameRegistry(issues),
    jobs: config.jobs,
    monitoring: config.monitoring,
  };
  const secrets = new SecretRegistry();
  const axonServer = buildAxonServer({
    ...shared,
    config: config.axonServer,
    sourceFile,
    secrets,
    apps: config.apps,
    backupScript: assets.jobs['backup.js'],
  });
  const { apps, ...appSupport } = buildApps({
    ...shared,
    apps: config.apps,
    axonServer,
    secrets,
    sql: assets.sql,
    controllerToken: controllerToken(config, issues, secrets),
  });
  const controller = buildController({
    ...shared,
    config: config.controller,
    rollout: config.axonServer.rollout,
    axonServer,
    releases: apps.flatMap((a) => (a.strategy === 'blueGreen' ? [a.release] : [])),
    bundle: assets.controller,
    argocdHealthCheck: assets.argocdHealthCheck,
  });
  const argocd = config.argocd
    ? buildArgoCd(
        config.argocd,
        config.environment,
        config.namespace,
        shared.labels,
        issues,
        apps.flatMap(controllerOwnedFields),
      )
    : undefined;
  const model: EnvironmentModel = {
    name: config.environment,
    namespace: config.namespace,
    axonServer,
    apps,
    appSupport,
    argocd,
    secrets: secrets.list(),
    patches: config.patches.map((p, index) => patchOf(p, index, config.environment, shared.names, issues)),
    extras: extraObjects(extras, config.namespace, shared.names, issues),
    jobs: config.jobs,
    controller,
  };
  return { model: issues.hasErrors ? undefined : model, issues: issues.list };
}

/** The team's own manifests, in the environment's namespace; none may take a name axon-deploy renders, or another's. */
function extraObjects(
  extras: readonly ExtraManifest[],
  namespace: string,
  names: NameRegistry,
  issues: Issues,
): ExtraObject[] {
  return extras.flatMap(({ object, position }) => {
    const { kind, metadata } = object;
    if (names.has(kind, metadata.name)) {
      issues.error(
        ['extraManifests'],
        `${position.file}:${position.line}:${position.col}: ${kind} "${metadata.name}" is also an object axon-deploy renders, or another of your manifests; choose another name`,
      );
      return [];
    }
    names.claim(kind, metadata.name, ['extraManifests']);
    return [{ ...object, metadata: { ...metadata, namespace } }];
  });
}

/** Labels of the team's own: not under the prefixes axon-deploy sets. */
function checkLabels(config: EnvironmentConfig, issues: Issues): void {
  for (const key of Object.keys(config.labels)) {
    const prefix = RESERVED_LABEL_PREFIXES.find((p) => key.startsWith(p));
    if (prefix) issues.error(['labels', key], `labels under ${prefix} are set by axon-deploy; choose another key`);
  }
}

/** A patch of the config, checked: its target is rendered, and no value it writes is a secret. */
function patchOf(
  p: EnvironmentConfig['patches'][number],
  index: number,
  environment: string,
  names: NameRegistry,
  issues: Issues,
): PatchModel {
  if (!names.has(p.target.kind, p.target.name)) {
    const same = names.namesOf(p.target.kind);
    issues.error(
      ['patches', index, 'target'],
      `no ${p.target.kind} named "${p.target.name}" is rendered for ${environment}; ${same.length > 0 ? `${p.target.kind}s: ${same.join(', ')}` : `no object of kind ${p.target.kind} is`}`,
    );
  }
  p.patch.forEach((op, j) => {
    if (!('value' in op)) return;
    for (const why of secretsIn(op.value)) {
      issues.error(
        ['patches', index, 'patch', j, 'value'],
        `${why}: it would be written in plain text to dist/; reference a Secret instead (e.g. valueFrom.secretKeyRef in an env entry)`,
      );
    }
  });
  return { target: p.target, ops: p.patch, why: p.why, index };
}

/**
 * The token the rollout controller asks context-scoped questions with (processors, subscriptions
 * of blue/green apps), with access control: its own (Enterprise: it registers it with USE_CONTEXT
 * on the apps' contexts, or the team does when registration is off), or the system token
 * (Standard: a single token).
 */
function controllerToken(config: EnvironmentConfig, issues: Issues, secrets: SecretRegistry): SecretRef | undefined {
  const ac = config.axonServer.accessControl;
  if (!ac.enabled) return undefined;
  if (ac.controllerTokenSecret) {
    const ref = { name: ac.controllerTokenSecret, key: ac.controllerTokenKey };
    secrets.add(ref, 'the rollout controller (its own token)');
    return ref;
  }
  if (config.axonServer.edition === 'standard')
    return ac.systemTokenSecret ? { name: ac.systemTokenSecret, key: ac.systemTokenKey } : undefined;
  const blueGreen = config.apps.some((a) => a.release.strategy === 'blueGreen');
  // With registration on, registrationPlan says what is missing.
  if (blueGreen && !config.axonServer.registration.enabled) {
    issues.error(
      ['axonServer', 'accessControl', 'controllerTokenSecret'],
      "required with access control and blue/green apps: the rollout controller asks Axon Server about their processors and subscriptions with a token of its own; register it yourself (USE_CONTEXT on the apps' contexts, registration is off) and reference its Secret here",
    );
  }
  return undefined;
}

/**
 * Literals in a patch value that look like secrets: env entries ({ name, value }) by name and
 * value, any other string by value.
 */
function secretsIn(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    const why = secretLiteralProblem(key, value);
    return why ? [`${key ? `${key} ` : 'a value '}looks like a secret (${why})`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => secretsIn(v));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.value === 'string') return secretsIn(o.value, o.name);
    return Object.entries(o).flatMap(([, v]) => secretsIn(v));
  }
  return [];
}
