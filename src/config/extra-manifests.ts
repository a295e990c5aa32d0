/**
 * A team's own manifests for an environment (`extraManifests: <dir>`): read, parsed and checked at
 * the load stage, with the file, line and column of each problem; the model places them in the
 * apps part of dist/<environment>/ (src/model/environment.ts), so they are synthesized, applied
 * and reviewed like every other object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic, SourcePosition } from './diagnostics';
import { dnsSubdomainProblem } from './formats';
import { decodeConfigText, sizeProblem } from './text-checks';
import { MAX_VALUES } from './yaml-source';

/** One object of a team's manifests, as its file holds it. */
export interface ExtraManifest {
  readonly position: SourcePosition;
  readonly object: Readonly<Record<string, unknown>> & {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: Readonly<Record<string, unknown>> & { readonly name: string };
  };
}

/** Kinds a team's manifests may not hold, and why. */
const REFUSED_KINDS: Readonly<Record<string, string>> = {
  Secret:
    'Secrets are referenced, never rendered into dist/: create it in the cluster (or with your secret manager) and reference it by name',
  Namespace: "the environment's namespace is created by its Argo CD Applications (CreateNamespace)",
};

const MANIFEST_FILE = /\.ya?ml$/;

/**
 * Every object of the `*.yaml` files in `dir` (sorted by name, not recursive), checked: one
 * document is one object with apiVersion, kind and metadata.name; no Secret or Namespace; no
 * namespace but the environment's.
 */
export function loadExtraManifests(
  dir: string,
  namespace: string,
  display: (file: string) => string,
  field: SourcePosition,
): { manifests: ExtraManifest[]; diagnostics: Diagnostic[] } {
  const at = (position: SourcePosition, message: string): Diagnostic => ({
    severity: 'error',
    position,
    path: ['extraManifests'],
    message,
  });
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => MANIFEST_FILE.test(f) && !f.startsWith('.')).sort();
  } catch {
    return { manifests: [], diagnostics: [at(field, `there is no directory ${display(dir)}`)] };
  }
  const manifests: ExtraManifest[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of files) {
    const result = manifestsOfFile(path.join(dir, name), namespace, display);
    manifests.push(...result.manifests);
    diagnostics.push(...result.problems.map(([position, message]) => at(position, message)));
  }
  return { manifests, diagnostics };
}

type Problem = [SourcePosition, string];

function manifestsOfFile(
  file: string,
  namespace: string,
  display: (file: string) => string,
): { manifests: ExtraManifest[]; problems: Problem[] } {
  const shown = display(file);
  const large = sizeProblem(shown, fs.statSync(file).size);
  if (large) return { manifests: [], problems: [[large.position, large.message]] };
  const decoded = decodeConfigText(shown, fs.readFileSync(file));
  if ('problem' in decoded) return { manifests: [], problems: [[decoded.problem.position, decoded.problem.message]] };
  const lines = new LineCounter();
  const position = (offset: number): SourcePosition => ({ file: shown, ...lines.linePos(offset) });
  const docs = parseAllDocuments(decoded.text, { lineCounter: lines, prettyErrors: false, version: '1.2', merge: false });
  if (!Array.isArray(docs)) return { manifests: [], problems: [] }; // an empty file
  const manifests: ExtraManifest[] = [];
  const problems: Problem[] = [];
  for (const doc of docs) {
    const at = position(doc.contents?.range[0] ?? 0);
    const [error] = doc.errors;
    if (error) {
      problems.push([position(error.pos[0]), `YAML syntax error: ${error.message.split('\n')[0]}`]);
      continue;
    }
    if (doc.contents === null) continue;
    const object: unknown = doc.toJS({ maxAliasCount: MAX_VALUES });
    const problem = manifestProblem(object, namespace);
    if (problem) problems.push([at, problem]);
    else manifests.push({ position: at, object: object as ExtraManifest['object'] });
  }
  return { manifests, problems };
}

/** Why `object` cannot be one of the environment's objects, or undefined. */
function manifestProblem(object: unknown, namespace: string): string | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    return 'expected a Kubernetes object (a map with apiVersion, kind and metadata.name)';
  const o = object as Record<string, unknown>;
  const metadata = o.metadata as Record<string, unknown> | undefined;
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof metadata?.name !== 'string')
    return 'expected a Kubernetes object with apiVersion, kind and metadata.name';
  const refused = REFUSED_KINDS[o.kind];
  if (refused) return `${o.kind}/${metadata.name}: ${refused}`;
  const nameProblem = dnsSubdomainProblem(metadata.name);
  if (nameProblem) return `${o.kind}/${metadata.name}: metadata.name ${nameProblem}`;
  if (metadata.namespace !== undefined && metadata.namespace !== namespace)
    return `${o.kind}/${metadata.name}: expected no namespace or ${namespace} (the environment's), got ${JSON.stringify(metadata.namespace)}`;
  return undefined;
}
