import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/main';
import { readTree } from '../../src/synth/output';
import { CONFIG_DIR, ROOT, SYNTH_ARGS, tempDir, writeFiles } from '../helpers';

/** Every file under `dir` with its content, for byte-for-byte comparison. */
const snapshotTree = (dir: string) => Object.fromEntries(readTree(dir));

/** A project directory with the bundled config, optionally changed. */
function project(files: Record<string, string> = {}): string {
  const dir = tempDir();
  fs.cpSync(CONFIG_DIR, path.join(dir, 'config'), { recursive: true });
  writeFiles(path.join(dir, 'config'), files);
  return dir;
}

function runIn(cwd: string, argv: string[] = []) {
  let stdout = '';
  let stderr = '';
  const status = run(argv, { cwd, env: {}, stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { status, stdout, stderr };
}

describe('synth', () => {
  it('writes dist/<env> for every environment and the Argo CD Applications', () => {
    const dir = project();
    const result = runIn(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('dist/prod: 25 objects; Argo CD Application: dist/argocd/prod.yaml');
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['argocd', 'dev', 'prod', 'staging']);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(snapshotTree(path.join(ROOT, 'dist')));
  });

  it('removes the output of environments that no longer exist', () => {
    const dir = project();
    expect(runIn(dir).status).toBe(0);
    fs.rmSync(path.join(dir, 'config', 'staging.yaml'));
    expect(runIn(dir).status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['argocd', 'dev', 'prod']);
    expect(fs.readdirSync(path.join(dir, 'dist', 'argocd')).sort()).toEqual(['dev.yaml', 'prod.yaml']);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });

  it.each([
    ['a misspelt key', { 'dev.yaml': 'environment: dev\nnamespace: orders-dev\naxonServr: {}\n' }],
    ['a YAML syntax error', { 'prod.yaml': 'environment: prod\nnamespace: [orders\n' }],
    ['an extends cycle', { '_base.yaml': 'extends: _base.yaml\n' }],
  ])('exits 1 on %s and leaves dist/ byte-for-byte as it was', (_, files) => {
    const dir = project();
    expect(runIn(dir).status).toBe(0);
    const before = snapshotTree(path.join(dir, 'dist'));
    writeFiles(path.join(dir, 'config'), files);
    const result = runIn(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^config\/\S+:\d+:\d+[: ]/);
    expect(result.stderr).toMatch(/error(s)?: nothing written; dist\/ is unchanged\.\n$/);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
  });

  it('runs as a process: exit status 1 and messages without a stack trace', () => {
    const dir = project({ 'dev.yaml': 'environment: dev\nnamespace: orders-dev\naxonServr: {}\n' });
    const result = spawnSync(process.execPath, SYNTH_ARGS, { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('config/dev.yaml:3:1 axonServr: unknown key "axonServr" (did you mean "axonServer"?)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('is deterministic: two processes write identical bytes', () => {
    const a = project();
    const b = project();
    for (const dir of [a, b]) execFileSync(process.execPath, SYNTH_ARGS, { cwd: dir, encoding: 'utf8' });
    const treeA = snapshotTree(path.join(a, 'dist'));
    expect(Object.keys(treeA).length).toBeGreaterThan(50);
    expect(snapshotTree(path.join(b, 'dist'))).toEqual(treeA);
  });

  it('rejects unknown arguments', () => {
    const result = runIn(project(), ['--colour']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown argument --colour');
  });
});
