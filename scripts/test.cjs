#!/usr/bin/env node
/**
 * `npm test`: the lint gate (`npm run lint`: types, ESLint, Prettier, knip) and the whole Jest
 * suite, side by side. Much of the suite waits on servers (kube-apiserver, the controllers,
 * PostgreSQL), so the lint gate runs in the processor time the suite leaves; run one after the
 * other they take about a third longer. Jest reports as it goes; the lint gate's output follows
 * once it is done. Exits non-zero when either fails.
 *
 *   node scripts/test.cjs [jest arguments]
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command; resolves with its exit code and, when `capture`, what it printed. */
function run(command, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const chunks = [];
    if (capture) {
      child.stdout.on('data', (c) => chunks.push(c));
      child.stderr.on('data', (c) => chunks.push(c));
    }
    child.on('error', (err) => resolve({ code: 1, output: `${command}: ${err.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}

async function main() {
  const started = Date.now();
  const lint = run(npm, ['run', '--silent', 'lint'], true).then((r) => ({
    ...r,
    seconds: (Date.now() - started) / 1000,
  }));
  const jest = run(process.execPath, [require.resolve('jest/bin/jest'), '--ci', ...process.argv.slice(2)], false);
  const [lintResult, jestResult] = await Promise.all([lint, jest]);
  process.stdout.write(
    `\n── lint gate (${lintResult.seconds.toFixed(0)} s): ${lintResult.code === 0 ? 'passed' : 'FAILED'}\n`,
  );
  if (lintResult.output.trim()) process.stdout.write(`${lintResult.output.trimEnd()}\n`);
  process.exitCode = lintResult.code !== 0 || jestResult.code !== 0 ? 1 : 0;
}

void main();
