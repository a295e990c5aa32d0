/**
 * Reads `config/`: one environment per `<env>.yaml`, shared bases in `_*.yaml`, `extends` merged,
 * everything validated. All problems of all files are returned together; nothing is thrown for
 * a configuration mistake.
 *
 * This module and the entry point are the only places that read files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic, SourcePosition } from './diagnostics';
import { closest, dnsLabelProblem } from './formats';
import { issuesToDiagnostics } from './messages';
import { EnvironmentConfig, environmentSchema } from './schema';
import { decodeConfigText, sizeProblem } from './text-checks';
import { locate, mergeSources, parseYamlSource, SourceNode, toPlain, withoutKey } from './yaml-source';
import { ExtraManifest, loadExtraManifests } from './extra-manifests';

export interface LoadedEnvironment {
  /** The environment name: the file name without extension. */
  readonly name: string;
  /** The file as named in messages, e.g. `config/prod.yaml`. */
  readonly file: string;
  /** The merged source tree, for turning model paths into positions. */
  readonly source: SourceNode;
  readonly config: EnvironmentConfig;
  /** The team's own manifests (`extraManifests`), read and checked. */
  readonly extras: readonly ExtraManifest[];
}

export interface LoadResult {
  readonly environments: LoadedEnvironment[];
  readonly diagnostics: Diagnostic[];
}

const CONFIG_FILE = /\.ya?ml$/;

/** Loads every environment in `dir`. File names in messages are relative to `cwd`. */
export function loadConfigDirectory(dir: string, cwd: string = process.cwd()): LoadResult {
  // Relative to where the command runs, unless that climbs out of it: then the absolute path.
  const display = (file: string) => {
    const relative = path.relative(cwd, file);
    return relative === '' || relative.startsWith('..') ? file : relative;
  };
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => CONFIG_FILE.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing
      ? `there is no config directory ${display(dir)} (give the directory of the environment files with --config <dir>)`
      : `cannot read the config directory ${display(dir)}: ${(err as Error).message}`;
    return { environments: [], diagnostics: [{ severity: 'error', path: [], message }] };
  }
  const envFiles = names.filter((n) => !n.startsWith('_'));
  if (envFiles.length === 0) {
    return { environments: [], diagnostics: [{ severity: 'error', path: [], message: `no environment files (<env>.yaml) in ${display(dir)}` }] };
  }
  const reader = new SourceReader(display);
  const environments: LoadedEnvironment[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const fileName of envFiles) {
    const file = path.join(dir, fileName);
    const result = loadEnvironment(file, reader);
    diagnostics.push(...result.diagnostics);
    if (result.environment) environments.push(result.environment);
  }
  diagnostics.push(...reader.diagnostics);
  return { environments, diagnostics: dedupe(diagnostics) };
}

function loadEnvironment(file: string, reader: SourceReader): { environment?: LoadedEnvironment; diagnostics: Diagnostic[] } {
  const name = path.basename(file).replace(CONFIG_FILE, '');
  const displayFile = reader.display(file);
  const diagnostics: Diagnostic[] = [];
  const nameProblem = dnsLabelProblem(name, 40, 'it names dist/<environment>');
  if (nameProblem) {
    diagnostics.push({ severity: 'error', position: { file: displayFile, line: 1, col: 1 }, path: [], message: `the file name is the environment name: ${nameProblem}` });
    return { diagnostics };
  }
  const source = reader.resolve(file, []);
  if (!source) return { diagnostics };
  const input = toPlain(source);
  const parsed = environmentSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    diagnostics.push(...issuesToDiagnostics(parsed.error.issues, source, environmentSchema, input));
    return { diagnostics };
  }
  if (parsed.data.environment !== name) {
    const at = locate(source, ['environment']);
    diagnostics.push({
      severity: 'error', position: at.node.position, path: ['environment'],
      message: `expected "${name}" (the file name: ${displayFile} is synthesized to dist/${name}), got "${parsed.data.environment}"`,
    });
    return { diagnostics };
  }
  const extras = parsed.data.extraManifests
    ? loadExtraManifests(
        path.resolve(path.dirname(file), parsed.data.extraManifests),
        parsed.data.namespace,
        reader.display,
        locate(source, ['extraManifests']).node.position,
      )
    : { manifests: [], diagnostics: [] };
  diagnostics.push(...extras.diagnostics);
  return {
    environment: { name, file: displayFile, source, config: parsed.data, extras: extras.manifests },
    diagnostics,
  };
}

/** Reads, parses and merges files; each file is parsed once however many files extend it. */
class SourceReader {
  readonly diagnostics: Diagnostic[] = [];
  private readonly parsed = new Map<string, SourceNode | undefined>();

  constructor(readonly display: (file: string) => string) {}

  /** The file's tree with its `extends` chain merged in; undefined when it cannot be built. */
  resolve(file: string, chain: readonly string[]): SourceNode | undefined {
    const root = this.parse(file);
    if (!root) return undefined;
    const extendsEntry = root.kind === 'map' ? root.entries.get('extends') : undefined;
    const own = withoutKey(root, 'extends');
    if (!extendsEntry) return own;

    const ref = extendsEntry.node;
    const position = ref.position;
    if (ref.kind !== 'scalar' || typeof ref.value !== 'string' || ref.value === '') {
      this.error(position, ['extends'], 'expected the name of a base file, like _base.yaml');
      return undefined;
    }
    const target = path.resolve(path.dirname(file), ref.value);
    const loop = [...chain, file];
    if (loop.includes(target)) {
      const cycle = [...loop.slice(loop.indexOf(target)), target].map((f) => path.basename(f)).join(' → ');
      this.error(position, ['extends'], `extends cycle: ${cycle}`);
      return undefined;
    }
    if (!path.basename(target).startsWith('_')) {
      this.error(position, ['extends'], `expected a base file whose name starts with "_", got "${ref.value}" (files without "_" are environments)`);
      return undefined;
    }
    if (!fs.existsSync(target)) {
      const siblings = safeReaddir(path.dirname(target)).filter((n) => n.startsWith('_') && CONFIG_FILE.test(n));
      const guess = closest(path.basename(target), siblings);
      this.error(position, ['extends'], `base file "${ref.value}" not found (looked for ${this.display(target)})${guess ? `; did you mean "${guess}"?` : ''}`);
      return undefined;
    }
    const base = this.resolve(target, loop);
    return base ? mergeSources(base, own) : undefined;
  }

  private parse(file: string): SourceNode | undefined {
    if (this.parsed.has(file)) return this.parsed.get(file);
    const displayFile = this.display(file);
    let root: SourceNode | undefined;
    try {
      const decoded = readConfigText(file, displayFile);
      if ('problem' in decoded) {
        this.error(decoded.problem.position, [], decoded.problem.message);
        this.parsed.set(file, undefined);
        return undefined;
      }
      const result = parseYamlSource(displayFile, decoded.text);
      this.diagnostics.push(...result.diagnostics);
      root = result.diagnostics.length === 0 ? result.root : undefined;
      if (result.diagnostics.length === 0 && (!root || root.kind !== 'map')) {
        this.error({ file: displayFile, line: root?.position.line ?? 1, col: root?.position.col ?? 1 }, [], 'expected a map of settings (environment, namespace, axonServer, …) at the top of the file');
        root = undefined;
      }
    } catch (err) {
      this.error({ file: displayFile, line: 1, col: 1 }, [], `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    this.parsed.set(file, root);
    return root;
  }

  private error(position: SourcePosition, fieldPath: Diagnostic['path'], message: string): void {
    this.diagnostics.push({ severity: 'error', position, path: fieldPath, message });
  }
}

/** The file as text; a file too large is refused without reading it (bounded memory). */
function readConfigText(file: string, displayFile: string): ReturnType<typeof decodeConfigText> {
  const large = sizeProblem(displayFile, fs.statSync(file).size);
  if (large) return { problem: large };
  return decodeConfigText(displayFile, fs.readFileSync(file));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** A base file's problem is found once per environment that extends it; report it once. */
function dedupe(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = JSON.stringify([d.severity, d.position, d.path, d.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
