/**
 * The bad-input corpus: each directory under test/fixtures/invalid/ is a project with a broken
 * config/ and the exact output expected (expected.txt). For each, the synth must exit 1, print
 * exactly that, and leave an existing dist/ byte-for-byte as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTree, writeTree } from '../../src/synth/output';
import { cli, fixtureTree, ROOT, tempDir } from '../helpers';

const CORPUS = path.join(ROOT, 'test/fixtures/invalid');
/** An earlier, valid dist/ that a failed synth must leave as it is. */
const existing = fixtureTree();
const cases = fs.readdirSync(CORPUS).filter((c) => fs.statSync(path.join(CORPUS, c)).isDirectory()).sort();

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
