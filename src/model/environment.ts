/**
 * A validated environment configuration -> its model, with every problem found on the way.
 * Pure: no files, no clock, no environment variables.
 */
import type { Assets } from '../assets';
import type { EnvironmentConfig } from '../config/schema';
import { buildApps } from './apps';
import { buildArgoCd } from './argocd';
import { buildAxonServer } from './axon-server';
import { buildController } from './controller';
import { Issues } from './issues';
import { RESERVED_LABEL_PREFIXES } from '../domain/keys';
import { LabelScheme } from './labels';
import { NameRegistry } from './names';
import { secretLiteralProblem } from './secret-literals';
import { SecretRegistry } from './secrets';
import type { EnvironmentModel, ModelIssue, PatchModel } from './types';

export interface BuildResult {
  /** Present when there are no errors (warnings allowed). */
  readonly model?: EnvironmentModel;
  readonly issues: readonly ModelIssue[];
}

export function buildEnvironment(config: EnvironmentConfig, sourceFile: string, assets: Assets): BuildResult {
  const issues = new Issues();
  for (const key of Object.keys(config.labels)) {
    const prefix = RESERVED_LABEL_PREFIXES.find((p) => key.startsWith(p));
    if (prefix) issues.error(['labels', key], `labels under ${prefix} are set by axon-deploy; choose another key`);
  }
  const labels = new LabelScheme(config.partOf ?? config.namespace, config.labels);
  const names = new NameRegistry(issues);
  const secrets = new SecretRegistry();
  const axonServer = buildAxonServer({
    config: config.axonServer,
    namespace: config.namespace,
    sourceFile,
    labels,
    issues,
    names,
    secrets,
    jobs: config.jobs,
    apps: config.apps,
    monitoring: config.monitoring,
  });
  const ac = config.axonServer.accessControl;
  const { apps, ...appSupport } = buildApps({
    apps: config.apps,
    axonServer,
    namespace: config.namespace,
    labels,
    issues,
    names,
    secrets,
    jobs: config.jobs,
    monitoring: config.monitoring,
    sql: assets.sql,
    systemToken:
      ac.enabled && ac.systemTokenSecret ? { name: ac.systemTokenSecret, key: ac.systemTokenKey } : undefined,
  });
  const controller = buildController({
    namespace: config.namespace,
    config: config.controller,
    jobs: config.jobs,
    monitoring: config.monitoring,
    rollout: config.axonServer.rollout,
    axonServer,
    bundle: assets.controller,
    argocdHealthCheck: assets.argocdHealthCheck,
    labels,
    names,
    issues,
  });
  const argocd = config.argocd
    ? buildArgoCd(config.argocd, config.environment, config.namespace, labels, issues)
    : undefined;
  const patches = config.patches.map((p, index): PatchModel => {
    if (!names.has(p.target.kind, p.target.name)) {
      const same = names.namesOf(p.target.kind);
      issues.error(
        ['patches', index, 'target'],
        `no ${p.target.kind} named "${p.target.name}" is rendered for ${config.environment}; ${same.length > 0 ? `${p.target.kind}s: ${same.join(', ')}` : `no object of kind ${p.target.kind} is`}`,
      );
    }
    p.patch.forEach((op, j) => {
      if ('value' in op) {
        for (const why of secretsIn(op.value)) {
          issues.error(
            ['patches', index, 'patch', j, 'value'],
            `${why}: it would be written in plain text to dist/; reference a Secret instead (e.g. valueFrom.secretKeyRef in an env entry)`,
          );
        }
      }
    });
    return { target: p.target, ops: p.patch, why: p.why, index };
  });
  const model: EnvironmentModel = {
    name: config.environment,
    namespace: config.namespace,
    axonServer,
    apps,
    appSupport,
    argocd,
    secrets: secrets.list(),
    patches,
    jobs: config.jobs,
    controller,
  };
  return { model: issues.hasErrors ? undefined : model, issues: issues.list };
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
