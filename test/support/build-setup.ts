/**
 * Jest global setup of every project: builds lib/ when a source changed (a fraction of a second),
 * since synth renders the rollout controller's bundle (lib/controller.js) into each environment.
 */
export default function buildSetup(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS build script, shared with npm scripts
  (require('../../scripts/build.cjs') as { buildBundle(ifStale: boolean): void }).buildBundle(true);
}
