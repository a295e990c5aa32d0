/**
 * Regenerates imports/ offline from a directory of schemas.
 *
 *   npm run import -- <schema-dir>
 *
 * `cdk8s import` downloads its sources. This script runs the same importer (cdk8s-cli's own code,
 * so the output is what `npx cdk8s import` writes online) over the sources listed in cdk8s.yaml,
 * but serves each of them from <schema-dir> instead of the network:
 *
 *   k8s@1.27.0                                      -> <schema-dir>/kubernetes-v1.27.0/_definitions.json
 *   https://…/argoproj/argo-cd/v3.5.1/…/<file>.yaml -> <schema-dir>/argo-cd-v3.5.1/<file>.yaml
 *
 * Any other source is refused rather than fetched, so a run never depends on the network.
 * Each schema used is also copied to imports/schemas/, where `npm run validate` and the tests
 * check the synthesized manifests against the very schema the classes were generated from.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

// cdk8s-cli exports no importer API, so its modules are loaded by path (the package's "exports"
// map hides them). Both share one `util` module instance, whose `download` is replaced below.
const cliDir = path.dirname(require.resolve('cdk8s-cli/package.json'));
const cliUtil = require(path.join(cliDir, 'lib/util.js')) as {
  download: (url: string) => Promise<string>;
  parseImports: (spec: string) => unknown;
};
const dispatch = require(path.join(cliDir, 'lib/import/dispatch.js')) as {
  importDispatch: (specs: unknown[], argv: Record<string, unknown>, options: Record<string, unknown>) => Promise<void>;
};

const SCHEMA_COPY_DIR = 'imports/schemas';
const K8S_SCHEMA_URL = /^https:\/\/raw\.githubusercontent\.com\/cdk8s-team\/cdk8s\/master\/kubernetes-schemas\/v(\d+\.\d+\.\d+)\/_definitions\.json$/;
const ARGO_CD_CRD_URL = /^https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-cd\/v(\d+\.\d+\.\d+)\/manifests\/crds\/([a-z-]+\.yaml)$/;

/** Maps an importer source URL to the file in the schema directory that holds the same content. */
function localSchemaFile(schemaDir: string, url: string): string {
  const k8s = K8S_SCHEMA_URL.exec(url);
  if (k8s) return path.join(schemaDir, `kubernetes-v${k8s[1]}`, '_definitions.json');
  const argo = ARGO_CD_CRD_URL.exec(url);
  if (argo) return path.join(schemaDir, `argo-cd-v${argo[1]}`, argo[2]);
  throw new Error(`no offline copy known for ${url}: add the file to the schema directory and a mapping to scripts/import.ts`);
}

async function main(argv: string[]): Promise<void> {
  const schemaDir = argv[0];
  if (!schemaDir) {
    process.stderr.write('usage: npm run import -- <schema-dir>   (for example ../shared/schemas)\n');
    process.exit(2);
  }
  const config = parse(readFileSync('cdk8s.yaml', 'utf8')) as { imports: string[] };

  const root = path.resolve(schemaDir);
  rmSync(SCHEMA_COPY_DIR, { recursive: true, force: true });
  cliUtil.download = async (url: string) => {
    const file = localSchemaFile(root, url);
    process.stderr.write(`  ${url}\n    <- ${file}\n`);
    const copy = path.join(SCHEMA_COPY_DIR, path.relative(root, file));
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(file, copy);
    return readFileSync(file, 'utf8');
  };

  await dispatch.importDispatch(config.imports.map(cliUtil.parseImports), {}, {
    outdir: 'imports',
    targetLanguage: 'typescript',
    save: false,
  });
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`import failed: ${err.message}\n`);
  process.exit(1);
});
