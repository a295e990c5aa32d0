/**
 * Argo CD's health check of the controller's resources (src/scripts/argocd/health.lua), run by a
 * real Lua 5.1 interpreter (Argo CD runs gopher-lua, a Lua 5.1): `obj` is the live object as a
 * table, the script returns {status, message}. Without lua5.1 the tests are skipped with a
 * notice, unless AXON_DEPLOY_REQUIRE_LUA is set (as in CI, which installs Debian's lua5.1).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../../support/helpers';

const SCRIPT = path.join(ROOT, 'src/scripts/argocd/health.lua');
const LUA = spawnSync('sh', ['-c', 'command -v lua5.1'], { encoding: 'utf8' }).stdout.trim();
if (!LUA && process.env.AXON_DEPLOY_REQUIRE_LUA)
  throw new Error('AXON_DEPLOY_REQUIRE_LUA is set, but there is no lua5.1');
if (!LUA) process.stderr.write('\n\u26A0 The Argo CD health check tests are SKIPPED: no lua5.1 on PATH.\n\n');
const maybe = LUA ? describe : describe.skip;

/** A JSON value as a Lua table constructor. */
function lua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(lua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${JSON.stringify(k)}] = ${lua(v)}`)
    .join(', ')}}`;
}

/** What the health check says of an object: `status: message`. */
function health(obj: unknown): string {
  const harness = `obj = ${lua(obj)}
local check = assert(loadfile(${JSON.stringify(SCRIPT)}))
local hs = check()
io.write(hs.status .. ": " .. (hs.message or ""))`;
  const run = spawnSync(LUA, ['-'], { input: harness, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

const rollout = (status?: Record<string, unknown>, generation = 2) => ({
  apiVersion: 'axon-deploy.io/v1alpha1',
  kind: 'NodeRollout',
  metadata: { name: 'axonserver', generation },
  spec: {},
  ...(status ? { status } : {}),
});

maybe('the Argo CD health check of a NodeRollout', () => {
  it('is Progressing until the controller has reported on the current spec', () => {
    expect(health(rollout())).toBe('Progressing: waiting for the axon-deploy rollout controller');
    expect(
      health(rollout({ phase: 'Idle', message: 'every node runs the current revision', observedGeneration: 1 })),
    ).toBe('Progressing: waiting for the rollout controller to act on the new spec');
  });

  it.each([
    ['Idle', 'Healthy'],
    ['Installing', 'Progressing'],
    ['Rolling', 'Progressing'],
    ['Waiting', 'Progressing'],
    ['Paused', 'Suspended'],
    ['Stuck', 'Degraded'],
  ])('maps phase %s to %s, with the controller message', (phase, status) => {
    expect(health(rollout({ phase, message: `the ${phase} message`, observedGeneration: 2 }))).toBe(
      `${status}: the ${phase} message`,
    );
  });
});

maybe('the Argo CD health check of an AppRelease', () => {
  const release = (phase: string) => ({
    apiVersion: 'axon-deploy.io/v1alpha1',
    kind: 'AppRelease',
    metadata: { name: 'orders', generation: 3 },
    spec: {},
    status: { phase, message: `the ${phase} message`, observedGeneration: 3 },
  });

  it.each([
    ['Idle', 'Healthy'],
    ['Waiting', 'Progressing'],
    ['Switching', 'Progressing'],
    ['CleaningUp', 'Progressing'],
    ['Failed', 'Degraded'],
  ])('maps phase %s to %s', (phase, status) => {
    expect(health(release(phase))).toBe(`${status}: the ${phase} message`);
  });
});
