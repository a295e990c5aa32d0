/**
 * One side of a review: the synthesized objects of each environment (from dist/) and, where the
 * config builds, its model (phases, roles and groups, which dist/ alone cannot always tell).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatDiagnostic } from '../config/diagnostics';
import { buildAll } from '../build';
import type { EnvironmentModel } from '../model/types';
import { readTree } from '../synth/output';
import { KubeObject, OutputTree, renderOutput } from '../synth/render';

export interface EnvSnapshot {
  readonly name: string;
  /** Objects by `<kind>/<name>` (cluster-scoped and namespaced alike). */
  readonly objects: ReadonlyMap<string, KubeObject>;
  readonly model?: EnvironmentModel;
  readonly topology?: string;
}

export interface Snapshot {
  readonly envs: ReadonlyMap<string, EnvSnapshot>;
  /** Why some models are missing (the config did not build). */
  readonly notes: readonly string[];
}

export const objectKey = (o: Pick<KubeObject, 'kind' | 'metadata'>) => `${o.kind}/${o.metadata.name}`;

/** Builds a snapshot from an output tree (dist/ as files) and the models of the same config. */
export function snapshotOf(tree: OutputTree, models: readonly EnvironmentModel[], notes: readonly string[] = []): Snapshot {
  const envs = new Map<string, { objects: Map<string, KubeObject>; topology?: string }>();
  const entryOf = (env: string) => {
    const entry = envs.get(env) ?? { objects: new Map<string, KubeObject>() };
    envs.set(env, entry);
    return entry;
  };
  for (const [file, content] of tree) {
    const [dir, name] = file.split('/');
    if (name === undefined) continue;
    if (dir === 'argocd') {
      // The environment's Argo CD Application is reviewed with its objects (it says where they go).
      const app = parseAllDocuments(content)[0]?.toJS() as KubeObject | null;
      if (app?.kind && app.metadata?.name && name.endsWith('.yaml')) entryOf(name.replace(/\.yaml$/, '')).objects.set(objectKey(app), app);
      continue;
    }
    const env = dir;
    const entry = entryOf(env);
    if (name === 'TOPOLOGY.md') entry.topology = content;
    if (!name.endsWith('.yaml') || name === 'kustomization.yaml') continue;
    for (const doc of parseAllDocuments(content)) {
      const obj = doc.toJS() as KubeObject | null;
      if (obj?.kind && obj.metadata?.name) entry.objects.set(objectKey(obj), obj);
    }
  }
  const byName = new Map(models.map((m) => [m.name, m]));
  return {
    envs: new Map([...envs.entries()].map(([name, e]) => [name, { name, objects: e.objects, topology: e.topology, model: byName.get(name) }])),
    notes,
  };
}

/**
 * The snapshot of a project directory: its dist/ as committed, models from its config/. With
 * `checkStale`, also notes when dist/ is not what config/ produces (the review shows dist/, which
 * is what Argo CD applies).
 */
export function snapshotOfProject(root: string, label: string, checkStale = false): Snapshot {
  const notes: string[] = [];
  let models: EnvironmentModel[] = [];
  const dist = readTree(path.join(root, 'dist'));
  if (fs.existsSync(path.join(root, 'config'))) {
    const { inputs, diagnostics } = buildAll('config', root);
    models = inputs.map((i) => i.model);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      notes.push(`the config of ${label} does not build (${errors.length} error${errors.length === 1 ? '' : 's'}, first: ${formatDiagnostic(errors[0])}); release and quorum checks use only the environments that build`);
    } else if (checkStale) {
      const expected = renderOutput(inputs);
      const same = expected.size === dist.size && [...expected].every(([file, content]) => dist.get(file) === content);
      if (!same) notes.push('dist/ does not match config/: run npm run synth and commit the result (the review shows dist/ as it is)');
    }
  }
  return snapshotOf(dist, models, notes);
}

/** Writes config/ and dist/ as they are at a git ref into a temporary directory. */
export function checkoutRef(repo: string, ref: string): string {
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo, input, maxBuffer: 512 * 1024 * 1024 });
  const files = git(['ls-tree', '-r', '-z', '--name-only', ref, '--', 'config', 'dist']).toString('utf8').split('\0').filter((f) => f !== '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axon-deploy-review-'));
  if (files.length === 0) return dir;
  const batch = git(['cat-file', '--batch'], files.map((f) => `${ref}:${f}\n`).join(''));
  let offset = 0;
  for (const file of files) {
    const headerEnd = batch.indexOf(10, offset);
    const [, type, size] = batch.subarray(offset, headerEnd).toString('utf8').split(' ');
    const start = headerEnd + 1;
    const end = start + Number(size);
    if (type === 'blob') {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), batch.subarray(start, end));
    }
    offset = end + 1;
  }
  return dir;
}

/** The merge base of HEAD with main (or origin/main). */
export function defaultBase(repo: string): string {
  for (const branch of ['main', 'origin/main']) {
    try {
      return execFileSync('git', ['merge-base', 'HEAD', branch], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8').trim();
    } catch {
      // try the next candidate
    }
  }
  throw new Error('cannot find the merge base with main: give the base with --base <git-ref>');
}
