/**
 * npm run review -- [--base <git-ref>] [--out <file>] [--allow <rule>:<env>/<object>]...
 *
 * Compares dist/ and config/ at the base (default: the merge base with main) with the working
 * tree and prints what the change will do to the clusters, as Markdown. Exit status 1 when a
 * blocker is not acknowledged with --allow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyAllows, renderReport } from './report';
import { reviewSnapshots } from './rules';
import { checkoutRef, defaultBase, snapshotOfProject } from './snapshot';

export interface ReviewOptions {
  readonly base?: string;
  readonly out?: string;
  readonly allows: readonly string[];
}

const USAGE = 'usage: npm run review -- [--base <git-ref>] [--out <file>] [--allow <rule>:<env>/<object>]...';

export function parseReviewArgs(argv: readonly string[]): ReviewOptions | string {
  let base: string | undefined;
  let out: string | undefined;
  const allows: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--base' && value) { base = value; i++; } else if (arg === '--out' && value) { out = value; i++; } else if (arg === '--allow' && value) {
      if (!/^[a-z-]+:[a-z0-9-]+\/.+$/.test(value)) return `--allow expects <rule>:<env>/<object>, e.g. volume-resize:prod/statefulset/axonserver-1, got ${value}`;
      allows.push(value);
      i++;
    } else return `unknown argument ${arg}\n${USAGE}`;
  }
  return { base, out, allows };
}

export function runReview(argv: readonly string[], cwd: string, write: { stdout: (t: string) => void; stderr: (t: string) => void }): number {
  const options = parseReviewArgs(argv);
  if (typeof options === 'string') {
    write.stderr(`${options}\n`);
    return 2;
  }
  let base: string;
  let baseLabel: string;
  try {
    base = options.base ?? defaultBase(cwd);
    baseLabel = options.base ? `\`${options.base}\`` : `\`${base.slice(0, 12)}\` (merge base with main)`;
  } catch (err) {
    write.stderr(`${(err as Error).message}\n`);
    return 2;
  }
  let baseDir: string;
  try {
    baseDir = checkoutRef(cwd, base);
  } catch (err) {
    write.stderr(`cannot read ${base} from git: ${(err as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  try {
    const before = snapshotOfProject(baseDir, `the base (${base})`);
    const after = snapshotOfProject(cwd, 'the working tree', true);
    const notes = [...before.notes, ...after.notes];
    const result = applyAllows(reviewSnapshots(before, after), options.allows);
    const report = renderReport(result, { base: baseLabel, head: 'the working tree', notes });
    write.stdout(report);
    if (options.out) fs.writeFileSync(path.resolve(cwd, options.out), report);
    return result.blocking.length > 0 ? 1 : 0;
  } finally {
    fs.rmSync(baseDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.exitCode = runReview(process.argv.slice(2), process.cwd(), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
