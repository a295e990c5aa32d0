#!/usr/bin/env node
/**
 * Entry point of `npm run synth` and `cdk8s synth`: runs src/main.ts from a single-file bundle.
 *
 * Loading one bundled file takes a fraction of the time that loading ~400 modules through a
 * TypeScript loader does (see BENCHMARKS.md), so the synth is bundled with esbuild into
 * node_modules/.cache/axon-deploy/ and rebuilt (in a fraction of a second) whenever a source
 * file, the imports or the lockfile changed since the last build.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'axon-deploy');
const BUNDLE = path.join(CACHE, 'synth.js');
const KEY = path.join(CACHE, 'synth.key');

/** Fingerprint of everything the bundle is built from: path, size and mtime of each file. */
function fingerprint() {
  const hash = crypto.createHash('sha256');
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) {
        const stat = fs.statSync(full);
        hash.update(`${path.relative(ROOT, full)}:${stat.size}:${stat.mtimeMs}\n`);
      }
    }
  };
  visit(path.join(ROOT, 'src'));
  visit(path.join(ROOT, 'imports'));
  const lock = fs.statSync(path.join(ROOT, 'package-lock.json'));
  hash.update(`package-lock.json:${lock.size}:${lock.mtimeMs}\n`);
  return hash.digest('hex');
}

function bundle() {
  const key = fingerprint();
  let current = '';
  try {
    current = fs.readFileSync(KEY, 'utf8');
  } catch {
    // no bundle yet
  }
  if (current === key && fs.existsSync(BUNDLE)) return BUNDLE;
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [path.join(ROOT, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: tmp,
    logLevel: 'warning',
    legalComments: 'none',
  });
  fs.renameSync(tmp, BUNDLE);
  fs.writeFileSync(KEY, key);
  return BUNDLE;
}

process.exitCode = require(bundle()).run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
