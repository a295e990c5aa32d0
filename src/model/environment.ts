/**
 * A validated environment configuration -> its model, with every problem found on the way.
 * Pure: no files, no clock, no environment variables.
 */
import type { EnvironmentConfig } from '../config/schema';
import { buildApps } from './apps';
import { buildArgoCd } from './argocd';
import { buildAxonServer } from './axon-server';
import { Issues } from './issues';
import { RESERVED_LABEL_PREFIXES } from '../domain/keys';
import { LabelScheme } from './labels';
import { NameRegistry } from './names';
import { SecretRegistry } from './secrets';
import type { EnvironmentModel, ModelIssue, PatchModel } from './types';

export interface BuildResult {
  /** Present when there are no errors (warnings allowed). */
  readonly model?: EnvironmentModel;
  readonly issues: readonly ModelIssue[];
}

export function buildEnvironment(config: EnvironmentConfig, sourceFile: string): BuildResult {
  const issues = new Issues();
  for (const key of Object.keys(config.labels)) {
    const prefix = RESERVED_LABEL_PREFIXES.find((p) => key.startsWith(p));
    if (prefix) issues.error(['labels', key], `labels under ${prefix} are set by axon-deploy; choose another key`);
  }
  const labels = new LabelScheme(config.partOf ?? config.namespace, config.labels);
  const names = new NameRegistry(issues);
  const secrets = new SecretRegistry();
  const axonServer = buildAxonServer({
    config: config.axonServer, namespace: config.namespace, sourceFile, labels, issues, names, secrets, jobs: config.jobs,
    apps: config.apps, monitoring: config.monitoring,
  });
  const ac = config.axonServer.accessControl;
  const { apps, ...appSupport } = buildApps({
    apps: config.apps, axonServer, namespace: config.namespace, labels, issues, names, secrets, jobs: config.jobs, monitoring: config.monitoring,
    systemToken: ac.enabled && ac.systemTokenSecret ? { name: ac.systemTokenSecret, key: ac.systemTokenKey } : undefined,
  });
  const argocd = config.argocd ? buildArgoCd(config.argocd, config.environment, config.namespace, labels, issues) : undefined;
  const patches = config.patches.map((p, index): PatchModel => {
    if (!names.has(p.target.kind, p.target.name)) {
      const same = names.namesOf(p.target.kind);
      issues.error(['patches', index, 'target'], `no ${p.target.kind} named "${p.target.name}" is rendered for ${config.environment}; ${same.length > 0 ? `${p.target.kind}s: ${same.join(', ')}` : `no object of kind ${p.target.kind} is`}`);
    }
    return { target: p.target, ops: p.patch as PatchModel['ops'], why: p.why, index };
  });
  const model: EnvironmentModel = {
    name: config.environment, namespace: config.namespace, axonServer, apps, appSupport, argocd, secrets: secrets.list(), patches,
  };
  return { model: issues.hasErrors ? undefined : model, issues: issues.list };
}
