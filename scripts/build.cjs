#!/usr/bin/env node
/**
 * Builds the package's JavaScript into lib/ (what `npm pack` ships and `axon-deploy` runs):
 *
 *   lib/index.js   src/ and imports/ bundled by esbuild into one CommonJS file (dependencies stay
 *                  external): one file loads several times faster than ~60 modules
 *   lib/bin.js     the executable (src/bin.ts): the command line bundled with its dependencies
 *   lib/types/     type declarations by tsc (only with --types: slow, needed for packing)
 *   lib/scripts/   src/scripts/ as it is: the SQL and Job scripts rendered into ConfigMaps
 *   lib/controller.js  the rollout controller, one file, rendered into each environment's ConfigMap
 *
 *   node scripts/build.cjs [--types] [--if-stale]
 *
 * --if-stale skips the bundle when nothing it is built from changed since the last build (the
 * development launcher scripts/axon-deploy.cjs uses it before every command).
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const BUNDLE = path.join(LIB, 'index.js');
const KEY = path.join(LIB, '.build-key');

/** Fingerprint of everything the bundle is built from: path, size and mtime of each file. */
function fingerprint() {
  const hash = createHash('sha256');
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.js')) {
        const stat = fs.statSync(full);
        hash.update(`${path.relative(ROOT, full)}:${stat.size}:${stat.mtimeMs}\n`);
      }
    }
  };
  visit(path.join(ROOT, 'src'));
  visit(path.join(ROOT, 'imports'));
  for (const file of ['package.json', 'package-lock.json', 'scripts/build.cjs']) {
    const stat = fs.statSync(path.join(ROOT, file));
    hash.update(`${file}:${stat.size}:${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/**
 * lib/bin.js: the command line (src/bin.ts) in one file with its dependencies, for start-up time:
 * one file loads faster than yaml's, zod's and cdk8s's ~200 modules (about a tenth of a synth).
 * The library (lib/index.js) keeps them external, so that a team's cdk8s app and axon-deploy's
 * constructs share one cdk8s. Loaded only by the commands that need them: ajv (validate) and diff
 * (review --diff) stay external. Licence comments are kept at the end of the file.
 */
function buildBin() {
  bundle(path.join('src', 'bin.ts'), path.join(LIB, 'bin.js'), { external: ['ajv', 'diff'], legalComments: 'eof' });
  fs.chmodSync(path.join(LIB, 'bin.js'), 0o755);
}

/** Bundles lib/index.js and writes lib/bin.js; returns false when the bundle was current. */
function buildBundle(ifStale) {
  copyScripts();
  const key = fingerprint();
  if (ifStale && fs.existsSync(BUNDLE) && fs.existsSync(KEY) && fs.readFileSync(KEY, 'utf8') === key) return false;
  fs.mkdirSync(LIB, { recursive: true });
  bundle(path.join('src', 'index.ts'), BUNDLE, { packages: 'external' });
  buildController();
  buildBin();
  fs.writeFileSync(KEY, key);
  return true;
}

/**
 * lib/controller.js: the rollout controller in one file (node built-ins only), which synth
 * renders into each environment's ConfigMap. Deterministic: paths relative to the repository,
 * no dates, so the same sources give the same bytes (and the same revision name) everywhere.
 */
function buildController() {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  bundle(path.join('src', 'controller', 'main.ts'), path.join(LIB, 'controller.js'), {
    banner: { js: `// axon-deploy ${version} rollout controller (bundled from src/controller/; do not edit)` },
  });
}

/**
 * One esbuild bundle for Node.js 20 (CommonJS), written to a temporary file and renamed into
 * place, so a reader never sees half a file. Paths in it are relative to the repository.
 */
function bundle(entry, out, options) {
  const tmp = `${out}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [path.join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: tmp,
    logLevel: 'warning',
    legalComments: 'none',
    ...options,
  });
  fs.renameSync(tmp, out);
}

/**
 * The files that run in pods (src/scripts/: SQL, Job scripts), shipped as they are in
 * lib/scripts/, where the installed package reads them (src/assets.ts).
 */
function copyScripts() {
  const target = path.join(LIB, 'scripts');
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'src', 'scripts'), target, { recursive: true });
}

/** Type declarations for library users (lib/types/src/index.d.ts). */
function buildTypes() {
  const { execFileSync } = require('node:child_process');
  fs.rmSync(path.join(LIB, 'types'), { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
}

module.exports = { buildBundle };

if (require.main === module) {
  const args = process.argv.slice(2);
  buildBundle(args.includes('--if-stale'));
  if (args.includes('--types')) buildTypes();
}
