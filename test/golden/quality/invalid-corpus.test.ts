/**
 * The bad-input corpus: each directory under test/fixtures/invalid/ is a project with a broken
 * config/ and the exact output expected (expected.txt). For each, the synth must exit 1, print
 * exactly that, and leave an existing dist/ byte-for-byte as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTree, writeTree } from '../../../src/synth/output';
import { cli, fixtureTree, ROOT, tempDir } from '../../support/helpers';

const CORPUS = path.join(ROOT, 'test/fixtures/invalid');
/** An earlier, valid dist/ that a failed synth must leave as it is. */
const existing = fixtureTree();
const cases = fs
  .readdirSync(CORPUS)
  .filter((c) => fs.statSync(path.join(CORPUS, c)).isDirectory())
  .sort();

/** Every file under a directory with its content. */
const files = (dir: string) => Object.fromEntries(readTree(dir));

it('has at least 30 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
});

describe.each(cases)('%s', (name) => {
  it('exits 1 with exactly the expected messages and leaves dist/ untouched', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(CORPUS, name, 'config'), path.join(dir, 'config'), { recursive: true });
    writeTree(path.join(dir, 'dist'), existing);
    const before = files(path.join(dir, 'dist'));
    const { status, stdout, stderr } = await cli(['synth'], dir);
    expect(stderr).toBe(fs.readFileSync(path.join(CORPUS, name, 'expected.txt'), 'utf8'));
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(files(path.join(dir, 'dist'))).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['config', 'dist']);
  });
});

/**
 * Cases too large to commit, generated here: each must fail the same way (exit 1, a
 * file:line:col message, dist/ untouched), in bounded time and memory.
 */
const DEV = 'environment: dev\nnamespace: orders-dev\n';
const generated: [string, string | Buffer, string][] = [
  [
    'a file of 10 MiB',
    Buffer.alloc(10 * 2 ** 20, 'a: b\n'),
    'config/dev.yaml:1:1: the file has 10.0 MiB; a config file has at most 1 MiB (is it the right file?)',
  ],
  [
    'flow collections nested 10 000 levels deep',
    `${DEV}axonServer: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    'config/dev.yaml:3:77: nested more than 64 levels deep: this is not a config',
  ],
  [
    'block lists nested 10 000 levels deep',
    `${DEV}axonServer:\n  ${'- '.repeat(10_000)}a\n`,
    'config/dev.yaml:4:3: lists nested more than 64 levels deep: this is not a config',
  ],
  [
    'block maps nested 1 000 levels deep',
    DEV + Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    'config/dev.yaml:516:513: indented more than 512 columns: nesting this deep is not a config (at most 64 levels)',
  ],
];

describe.each(generated)('%s', (_, content, message) => {
  it('exits 1 with a positioned message and leaves dist/ untouched', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'config', 'dev.yaml'), content);
    writeTree(path.join(dir, 'dist'), existing);
    const before = files(path.join(dir, 'dist'));
    const { status, stdout, stderr } = await cli(['synth'], dir);
    expect(stderr).toBe(`${message}\n\n1 error: nothing written; dist/ is unchanged.\n`);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(files(path.join(dir, 'dist'))).toEqual(before);
  });
});
