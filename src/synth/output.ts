/**
 * Output trees on disk. Writing happens all at once: into a staging directory beside the target, then
 * swapped in with renames. A failed run never leaves a half-written dist/, and output of
 * environments that no longer exist disappears with the old tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputTree } from './render';

export function writeTreeAtomically(target: string, tree: OutputTree): void {
  const parent = path.dirname(path.resolve(target));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, '.dist-staging-'));
  fs.chmodSync(staging, 0o755); // mkdtemp makes it private; dist/ is not
  let old: string | undefined;
  try {
    writeTree(staging, tree);
    if (fs.existsSync(target)) {
      old = path.join(fs.mkdtempSync(path.join(parent, '.dist-old-')), 'old');
      fs.renameSync(target, old);
    }
    try {
      fs.renameSync(staging, target);
    } catch (err) {
      if (old) fs.renameSync(old, target);
      old = undefined;
      throw err;
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    if (old) fs.rmSync(path.dirname(old), { recursive: true, force: true });
  }
}

/** Writes the tree into an existing or new directory (no swap), e.g. the cdk8s CLI's scratch output. */
export function writeTree(dir: string, tree: OutputTree): void {
  for (const [file, content] of tree) {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

/** Reads every file under `dir` into a tree keyed by relative path. */
export function readTree(dir: string): Map<string, string> {
  const tree = new Map<string, string>();
  if (!fs.existsSync(dir)) return tree;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    tree.set(path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
  }
  return tree;
}
