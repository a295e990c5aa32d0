/**
 * axon-deploy review: what a change does to the clusters. Compares config/ and dist/ at a git
 * base (default: the merge base with main) with the working tree and prints a Markdown report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRuleId, REVIEW_RULES, RULE_IDS } from '../../domain/rules';
import { applyAllows, renderReport } from '../../review/report';
import { reviewSnapshots } from '../../review/review';
import { checkoutRef, defaultBase, snapshotOfProject } from '../../review/snapshot';
import { Command, listOption, stringOption, UsageError } from '../args';

const ALLOW = /^([a-z-]+):([a-z0-9*-]+)\/(.+)$/;

/** Checks each `--allow <rule>:<env>/<object>`; an unknown rule is a usage error listing the valid ones. */
export function parseAllows(values: readonly string[]): string[] {
  for (const value of values) {
    const m = ALLOW.exec(value);
    if (!m) throw new UsageError(`--allow expects <rule>:<env>/<object>, e.g. volume-resize:prod/statefulset/axonserver-1, got ${value}`);
    if (!isRuleId(m[1])) throw new UsageError(`--allow ${value}: unknown rule "${m[1]}"; rules: ${RULE_IDS.join(', ')}`);
  }
  return [...values];
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'explain what a change does to the clusters, and block what a live cluster would refuse or what loses data',
  options: [
    { name: 'base', type: 'string', value: '<git-ref>', default: 'the merge base of HEAD with main (or origin/main)', description: 'The git revision to compare the working tree with.' },
    { name: 'config', type: 'string', value: '<dir>', default: 'config', description: 'Directory of the environment files, relative to the repository root.' },
    { name: 'out', type: 'string', value: '<dir>', default: 'dist', description: 'Directory of the synthesized manifests, relative to the repository root.' },
    { name: 'allow', type: 'string', multiple: true, value: '<rule>:<env>/<object>', description: 'Acknowledge one blocker, exactly as the report names it, e.g. volume-resize:prod/statefulset/axonserver-1.' },
    { name: 'report', type: 'string', value: '<file>', description: 'Also write the report to this file (e.g. for a pull-request comment).' },
  ],
  notes: [
    'The report lists per environment the objects added, removed and changed, the release transitions, the pods that restart in sync-wave order, the Secrets the change needs and the changed topology. A dist/ that is not what config/ produces is a blocker.',
    `Rules: ${RULE_IDS.map((id) => `${id}${REVIEW_RULES[id].blocks ? '' : ' (warning)'}`).join(', ')}.`,
  ],
  exitCodes: [[0, 'no blockers (or all acknowledged)'], [1, 'blockers'], [2, 'usage error (unknown option or rule, no git repository, unknown base)']],
  run(args, io) {
    const allows = parseAllows(listOption(args, 'allow'));
    const layout = { config: stringOption(args, 'config', 'config'), out: stringOption(args, 'out', 'dist') };
    let base: string;
    let baseLabel: string;
    try {
      base = typeof args.values.base === 'string' ? args.values.base : defaultBase(io.cwd);
      baseLabel = typeof args.values.base === 'string' ? `\`${base}\`` : `\`${base.slice(0, 12)}\` (merge base with main)`;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    let baseDir: string;
    try {
      baseDir = checkoutRef(io.cwd, base, [layout.config, layout.out]);
    } catch (err) {
      const detail = ((err as { stderr?: Buffer }).stderr?.toString() || (err as Error).message).trim().split('\n')[0];
      throw new UsageError(`cannot read ${base} from git: ${detail}`);
    }
    try {
      const before = snapshotOfProject(baseDir, layout);
      const after = snapshotOfProject(io.cwd, layout, true);
      const notes = before.configErrors.length > 0
        ? [`the config at the base does not build with this version of axon-deploy (${before.configErrors.length} error${before.configErrors.length === 1 ? '' : 's'}); release and role checks compare only the rendered objects`]
        : [];
      const result = applyAllows(reviewSnapshots(before, after), allows);
      const report = renderReport(result, { base: baseLabel, head: 'the working tree', notes });
      io.stdout(report);
      const reportFile = typeof args.values.report === 'string' ? args.values.report : undefined;
      if (reportFile) fs.writeFileSync(path.resolve(io.cwd, reportFile), report);
      return result.blocking.length > 0 ? 1 : 0;
    } finally {
      fs.rmSync(baseDir, { recursive: true, force: true });
    }
  },
};
