/**
 * Server-side validation of a dist/ directory: every environment applied with
 * `kubectl apply --dry-run=server --validate=strict -k dist/<env>` (the kustomization users
 * apply) into its namespace, labelled to enforce, warn and audit the Pod Security "restricted"
 * profile, and the Argo CD Applications likewise. Any error and any warning — Pod Security, a
 * deprecated API — is a problem, named with its file and object and the server's own message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { POD_SECURITY_AUDIT, POD_SECURITY_ENFORCE, POD_SECURITY_WARN } from '../domain/keys';
import type { Kubectl, KubectlResult } from './api-server';

interface Obj {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

export interface ServerValidation {
  /** Directories (environments) and files checked. */
  readonly checked: readonly string[];
  readonly objects: number;
  /** `file: Kind/name: server: message` lines. */
  readonly problems: readonly string[];
}

/** Validates every environment directory (one with a kustomization.yaml) and every other YAML file under `dir`. */
export function validateOnServer(kubectl: Kubectl, dir: string, cwd: string): ServerValidation {
  const checked: string[] = [];
  const problems: string[] = [];
  let objects = 0;
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const units: { path: string; files: string[]; kustomize: boolean }[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const files = yamlFiles(full);
      units.push({ path: full, files, kustomize: fs.existsSync(path.join(full, 'kustomization.yaml')) });
    } else if (/\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml') {
      units.push({ path: full, files: [full], kustomize: false });
    }
  }
  if (fs.existsSync(path.join(dir, 'kustomization.yaml'))) units.unshift({ path: dir, files: [], kustomize: true });
  for (const unit of units) {
    const docs = unit.files
      .flatMap((f) =>
        parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => ({ file: f, obj: d.toJS() as Obj | null })),
      )
      .filter((d): d is { file: string; obj: Obj } => d.obj !== null && typeof d.obj === 'object');
    objects += docs.length;
    for (const ns of new Set(docs.map((d) => d.obj.metadata?.namespace).filter((n): n is string => !!n))) {
      const p = restrictedNamespace(kubectl, ns);
      if (p) problems.push(`${rel(unit.path)}: namespace ${ns}: ${p}`);
    }
    if (unit.kustomize) checked.push(rel(unit.path));
    else checked.push(...unit.files.map(rel));
    // What users apply: the kustomization (or the file). Clean means no error and no warning.
    const applied = dryRun(kubectl, unit.kustomize ? ['-k', unit.path] : unit.files.flatMap((f) => ['-f', f]));
    if (clean(applied)) continue;
    // Attribute what the server said to files and objects: the same objects, file by file, in one run.
    const files = unit.files.filter((f) => docs.some((d) => d.file === f));
    const found = attribute(
      kubectl.runInterleaved(['apply', '--dry-run=server', '--validate=strict', ...files.flatMap((f) => ['-f', f])]),
      docs,
    );
    if (found.length === 0) for (const line of messages(applied)) problems.push(`${rel(unit.path)}: server: ${line}`);
    for (const f of found) problems.push(`${rel(f.file || unit.path)}: ${f.object}: server: ${f.message}`);
  }
  return { checked, objects, problems };
}

interface Attributed {
  readonly file: string;
  readonly object: string;
  readonly message: string;
}

/**
 * Reads kubectl's interleaved output: a warning precedes the line of the object it is about
 * (`deployment.apps/x created (server dry run)`); an error names its file.
 */
function attribute(run: { status: number; output: string }, docs: readonly { file: string; obj: Obj }[]): Attributed[] {
  const found: Attributed[] = [];
  let pending: string[] = [];
  const describe = (d: { obj: Obj }) => `${d.obj.kind ?? '(no kind)'}/${d.obj.metadata?.name ?? '(unnamed)'}`;
  for (const raw of run.output.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const applied = /^([a-z0-9-]+)(?:\.[a-z0-9.-]+)?\/(\S+) (?:created|configured|unchanged|serverside-applied)\b/.exec(
      line,
    );
    const failed = /error when \w+ "([^"]+)"/.exec(line);
    const invalid = /^The (\w+) "([^"]+)" is invalid/.exec(line);
    if (/^Warning: /.test(line)) pending.push(/deprecated/i.test(line) ? `deprecated API: ${line}` : line);
    else if (line.startsWith('* ') && found.length > 0) {
      const last = found.pop()!;
      found.push({ ...last, message: `${last.message} ${line}` });
    } else if (invalid) {
      const doc = docs.find((d) => d.obj.kind === invalid[1] && d.obj.metadata?.name === invalid[2]);
      found.push({ file: doc?.file ?? '', object: `${invalid[1]}/${invalid[2]}`, message: line });
    } else if (applied) {
      const doc = docs.find((d) => d.obj.kind?.toLowerCase() === applied[1] && d.obj.metadata?.name === applied[2]);
      for (const message of pending)
        found.push({ file: doc?.file ?? '', object: doc ? describe(doc) : `${applied[1]}/${applied[2]}`, message });
      pending = [];
    } else if (failed) {
      const inFile = docs.filter((d) => d.file === failed[1]);
      found.push({ file: failed[1], object: inFile.map(describe).join(', ') || '(no object)', message: line });
    } else {
      found.push({ file: '', object: '(kubectl)', message: line });
    }
  }
  for (const message of pending) found.push({ file: '', object: '(unattributed)', message });
  return found;
}

/** The manifests under a directory, at any depth (kustomizations aside). */
function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return yamlFiles(full);
      // Kustomizations and patches (dist/cluster/argocd-cm-health.patch.yaml) are not objects.
      return /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml' && !e.name.endsWith('.patch.yaml')
        ? [full]
        : [];
    });
}

const dryRun = (kubectl: Kubectl, target: string[]) =>
  kubectl.run(['apply', '--dry-run=server', '--validate=strict', ...target]);

/** Success without a single warning. */
const clean = (r: KubectlResult) => r.status === 0 && r.stderr.trim() === '';

/** The server's messages, one per line; warnings about deprecated APIs say so. */
function messages(r: KubectlResult): string[] {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const out = lines.map((l) => (/^Warning: .*deprecated/i.test(l) ? `deprecated API: ${l}` : l));
  return out.length > 0 ? out : [`kubectl exited with ${r.status}`];
}

/** Creates the namespace if needed and labels it to enforce, warn and audit "restricted". */
function restrictedNamespace(kubectl: Kubectl, ns: string): string | undefined {
  const exists = kubectl.run(['get', 'namespace', ns, '-o', 'name']);
  if (exists.status !== 0) {
    const created = kubectl.run(['create', 'namespace', ns]);
    if (created.status !== 0 && !/AlreadyExists/.test(created.stderr)) return created.stderr.trim();
  }
  const labelled = kubectl.run([
    'label',
    '--overwrite',
    'namespace',
    ns,
    `${POD_SECURITY_ENFORCE}=restricted`,
    `${POD_SECURITY_WARN}=restricted`,
    `${POD_SECURITY_AUDIT}=restricted`,
  ]);
  return labelled.status === 0 ? undefined : labelled.stderr.trim();
}
