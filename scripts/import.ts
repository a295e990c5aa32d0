/**
 * Regenerates imports/ offline from a directory of schemas.
 *
 *   npm run import -- <schema-dir>          (for example ../shared/schemas)
 *
 * `cdk8s import` downloads its sources. This script runs the same importer (cdk8s-cli's own code,
 * so the output is what `npx cdk8s import` writes online) over the sources listed in cdk8s.yaml,
 * but serves each of them from <schema-dir> instead of the network:
 *
 *   k8s@1.27.0                                               -> <schema-dir>/kubernetes-v1.27.0/_definitions.json
 *   https://raw.githubusercontent.com/<org>/<repo>/v<ver>/…/<file>.yaml -> <schema-dir>/<repo>-v<ver>/<file>.yaml
 *
 * Every source is checked before anything changes: a missing or unreadable schema directory or
 * file is reported with what was expected, and imports/ stays as it was. The classes and copies
 * of the schemas (imports/schemas/, which `axon-deploy validate` checks manifests against) are
 * generated into a staging directory and swapped in as a whole.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// cdk8s-cli exports no importer API, so its modules are loaded by path (the package's "exports"
// map hides them). Both share one `util` module instance, whose `download` is replaced below.
const cliDir = path.dirname(require.resolve('cdk8s-cli/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a module path hidden by the package's exports map
const cliUtil = require(path.join(cliDir, 'lib/util.js')) as {
  download: (url: string) => Promise<string>;
  parseImports: (spec: string) => { source: string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
const dispatch = require(path.join(cliDir, 'lib/import/dispatch.js')) as {
  importDispatch: (specs: unknown[], argv: Record<string, unknown>, options: Record<string, unknown>) => Promise<void>;
};

const ROOT = path.resolve(__dirname, '..');
const IMPORTS = path.join(ROOT, 'imports');
const K8S_SOURCE = /^k8s@(\d+\.\d+\.\d+)$/;
const K8S_SCHEMA_URL =
  /^https:\/\/raw\.githubusercontent\.com\/cdk8s-team\/cdk8s\/master\/kubernetes-schemas\/v(\d+\.\d+\.\d+)\/_definitions\.json$/;
const GITHUB_FILE_URL =
  /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/([^/]+)\/v(\d+\.\d+\.\d+)\/(?:[^/]+\/)*([^/]+\.ya?ml)$/;

class ImportError extends Error {}

/** The file in the schema directory that holds the same content as a source (a cdk8s.yaml entry or URL). */
function localSchemaFile(schemaDir: string, source: string): string {
  const k8s = K8S_SOURCE.exec(source) ?? K8S_SCHEMA_URL.exec(source);
  if (k8s) return path.join(schemaDir, `kubernetes-v${k8s[1]}`, '_definitions.json');
  const gh = GITHUB_FILE_URL.exec(source);
  if (gh) return path.join(schemaDir, `${gh[1]}-v${gh[2]}`, gh[3]);
  throw new ImportError(
    `no offline copy is known for ${source}: only k8s@<version> and raw.githubusercontent.com/<org>/<repo>/v<version>/…/<file>.yaml are mapped`,
  );
}

/** Checks that every source has a readable, parseable local copy; returns the problems. */
function checkSources(schemaDir: string, sources: readonly string[]): string[] {
  if (!existsSync(schemaDir) || !statSync(schemaDir).isDirectory()) return [`${schemaDir} is not a directory`];
  const problems: string[] = [];
  for (const source of sources) {
    let file: string;
    try {
      file = localSchemaFile(schemaDir, source);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    if (!existsSync(file)) {
      problems.push(`${source}: expected its copy at ${path.relative(process.cwd(), file)}, which does not exist`);
      continue;
    }
    try {
      const text = readFileSync(file, 'utf8');
      if (file.endsWith('.json')) JSON.parse(text);
      else if (parseAllDocuments(text).some((d) => d.errors.length > 0)) throw new Error('not valid YAML');
    } catch (err) {
      problems.push(`${path.relative(process.cwd(), file)}: ${(err as Error).message}`);
    }
  }
  return problems;
}

async function main(argv: string[]): Promise<number> {
  const schemaDirArg = argv[0];
  if (!schemaDirArg || argv.length > 1) {
    process.stderr.write('usage: npm run import -- <schema-dir>   (for example ../shared/schemas)\n');
    return 2;
  }
  const config = parse(readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  const specs = config.imports.map((i) => cliUtil.parseImports(i));
  const schemaDir = path.resolve(schemaDirArg);
  const problems = checkSources(
    schemaDir,
    specs.map((s) => s.source),
  );
  if (problems.length > 0) {
    process.stderr.write(
      `import: nothing changed; imports/ is as it was:\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return 1;
  }

  const staging = mkdtempSync(path.join(ROOT, '.imports-staging-'));
  try {
    cliUtil.download = (url: string) => {
      const file = localSchemaFile(schemaDir, url);
      process.stderr.write(`  ${url}\n    <- ${file}\n`);
      const copy = path.join(staging, 'schemas', path.relative(schemaDir, file));
      mkdirSync(path.dirname(copy), { recursive: true });
      copyFileSync(file, copy);
      return Promise.resolve(readFileSync(file, 'utf8'));
    };
    await dispatch.importDispatch(specs, {}, { outdir: staging, targetLanguage: 'typescript', save: false });
    const old = `${IMPORTS}.old-${process.pid}`;
    if (existsSync(IMPORTS)) renameSync(IMPORTS, old);
    renameSync(staging, IMPORTS);
    rmSync(old, { recursive: true, force: true });
    return 0;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`import failed, imports/ is as it was: ${err.message}\n`);
    process.exitCode = 1;
  },
);
