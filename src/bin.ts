#!/usr/bin/env node
/** The `axon-deploy` executable (lib/bin.js, bundled with its dependencies by scripts/build.cjs). */
import { runCli } from './index';

void runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
