/**
 * One side of a review: the synthesized objects of each environment (from dist/) and, where the
 * config builds, its model (phases, roles and groups, Secrets: what dist/ alone cannot tell).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildAll } from '../build';
import type { Diagnostic } from '../config/diagnostics';
import type { EnvironmentModel } from '../model/types';
import { readTree } from '../synth/output';
import { KubeObject, OutputTree, renderOutput } from '../synth/render';

export interface EnvSnapshot {
  readonly name: string;
  /** Objects by `<kind>/<name>` (cluster-scoped and namespaced alike). */
  readonly objects: ReadonlyMap<string, KubeObject>;
  /** The Argo CD Application part each object belongs to (`axon-server`, `apps`), by key. */
  readonly parts: ReadonlyMap<string, string>;
  /** Each object as its file in dist/ holds it (for --diff), by key. */
  readonly texts: ReadonlyMap<string, string>;
  readonly model?: EnvironmentModel;
  readonly topology?: string;
}

export interface Snapshot {
  readonly envs: ReadonlyMap<string, EnvSnapshot>;
  /** Errors of a config that does not build (its models are then missing). */
  readonly configErrors: readonly Diagnostic[];
  /** Files of dist/ that are not what config/ produces (added, changed or missing), when checked. */
  readonly staleFiles: readonly string[];
}

export const objectKey = (o: Pick<KubeObject, 'kind' | 'metadata'>) => `${o.kind}/${o.metadata.name}`;

/** The environment a file of dist/ belongs to: `<env>/…` or `argocd/<env>.yaml`. */
export function environmentOfFile(file: string): string | undefined {
  const [dir, name] = file.split('/');
  if (name === undefined) return undefined;
  return dir === 'argocd' ? name.replace(/\.yaml$/, '') : dir;
}

/** Builds a snapshot from an output tree (dist/ as files) and the models of the same config. */
export function snapshotOf(
  tree: OutputTree,
  models: readonly EnvironmentModel[],
  extra: Partial<Pick<Snapshot, 'configErrors' | 'staleFiles'>> = {},
  known: ReadonlyMap<string, readonly KubeObject[]> = new Map(),
): Snapshot {
  interface Entry {
    objects: Map<string, KubeObject>;
    parts: Map<string, string>;
    texts: Map<string, string>;
    topology?: string;
  }
  const envs = new Map<string, Entry>();
  const entryOf = (env: string) => {
    const entry: Entry = envs.get(env) ?? { objects: new Map(), parts: new Map(), texts: new Map() };
    envs.set(env, entry);
    return entry;
  };
  for (const [file, content] of tree) {
    const env = environmentOfFile(file);
    const name = file.slice(file.indexOf('/') + 1);
    if (env === undefined) continue;
    const entry = entryOf(env);
    if (name === 'TOPOLOGY.md') entry.topology = content;
    if (!name.endsWith('.yaml') || name === 'kustomization.yaml') continue;
    // The environment's Argo CD Application is reviewed with its objects (it says where they go).
    const part = name.includes('/') ? name.slice(0, name.indexOf('/')) : file.startsWith('argocd/') ? 'argocd' : '';
    for (const { obj, text } of objectsOfFile(content, known.get(file))) {
      if (!obj?.kind || !obj.metadata?.name) continue;
      entry.objects.set(objectKey(obj), obj);
      entry.parts.set(objectKey(obj), part);
      entry.texts.set(objectKey(obj), text());
    }
  }
  for (const m of models) entryOf(m.name);
  const byName = new Map(models.map((m) => [m.name, m]));
  return {
    envs: new Map(
      [...envs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, e]) => [
          name,
          { name, objects: e.objects, parts: e.parts, texts: e.texts, topology: e.topology, model: byName.get(name) },
        ]),
    ),
    configErrors: extra.configErrors ?? [],
    staleFiles: extra.staleFiles ?? [],
  };
}

/**
 * The objects of a manifest file and the text of each: from `known` (the objects the synth wrote
 * into this very file) without parsing, else parsed. A file of one object is its text as it is.
 */
function objectsOfFile(
  content: string,
  known: readonly KubeObject[] | undefined,
): { obj: KubeObject | null; text: () => string }[] {
  if (known?.length === 1) return [{ obj: known[0], text: () => content }];
  const docs = parseAllDocuments(content);
  if (docs.length === 1) return [{ obj: docs[0].toJS() as KubeObject | null, text: () => content }];
  return docs.map((doc, i) => ({ obj: known?.[i] ?? (doc.toJS() as KubeObject | null), text: () => doc.toString() }));
}

export interface ProjectLayout {
  /** The config directory, relative to the project root. */
  readonly config: string;
  /** The output directory, relative to the project root. */
  readonly out: string;
}

/**
 * The snapshot of a project directory: its dist/ as it is, models from its config/. With
 * `checkStale`, also the files where dist/ is not what config/ produces (the review shows dist/,
 * which is what Argo CD applies).
 */
export function snapshotOfProject(root: string, layout: ProjectLayout, checkStale = false): Snapshot {
  const dist = readTree(path.join(root, layout.out));
  if (!fs.existsSync(path.join(root, layout.config))) return snapshotOf(dist, []);
  const { inputs, diagnostics } = buildAll(layout.config, root);
  const configErrors = diagnostics.filter((d) => d.severity === 'error');
  const models = configErrors.length > 0 ? [] : inputs.map((i) => i.model);
  if (!checkStale || configErrors.length > 0) return snapshotOf(dist, models, { configErrors });
  // The files that are what the config produces need no parsing: their objects are known.
  const rendered = new Map<string, readonly KubeObject[]>();
  const expected = renderOutput(inputs, rendered);
  const staleFiles = differingFiles(expected, dist);
  const known = new Map([...rendered].filter(([file]) => expected.get(file) === dist.get(file)));
  return snapshotOf(dist, models, { configErrors, staleFiles }, known);
}

/** Files that differ between what should be and what is, sorted. */
export function differingFiles(expected: OutputTree, actual: OutputTree): string[] {
  const files = new Set([...expected.keys(), ...actual.keys()]);
  return [...files].filter((f) => expected.get(f) !== actual.get(f)).sort();
}

/** Writes the given directories as they are at a git ref into a temporary directory. */
export function checkoutRef(repo: string, ref: string, dirs: readonly string[]): string {
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: repo, input, maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  const files = git(['ls-tree', '-r', '-z', '--name-only', ref, '--', ...dirs])
    .toString('utf8')
    .split('\0')
    .filter((f) => f !== '');
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
      return execFileSync('git', ['merge-base', 'HEAD', branch], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString('utf8')
        .trim();
    } catch {
      // try the next candidate
    }
  }
  throw new Error('cannot find the merge base with main: give the base with --base <git-ref>');
}
