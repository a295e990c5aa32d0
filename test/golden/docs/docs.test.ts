/**
 * The README is part of the product: it must name every command, option and review rule that
 * exists (a renamed option or a new rule without documentation fails here).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/cli/main';
import { RULE_IDS } from '../../../src/domain/rules';
import { ROOT } from '../../support/helpers';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  if (start < 0) throw new Error(`README has no section ${title}`);
  return readme.slice(start, end < 0 ? undefined : end);
};

it('documents every command and its options in "The command line"', () => {
  const cli = section('The command line');
  for (const c of COMMANDS) {
    expect(cli).toContain(`| \`${c.name}`);
    for (const o of c.options) expect(`${c.name}: ${cli.includes(`--${o.name}`)}`).toBe(`${c.name}: true`);
  }
});

it('documents every review rule in "Reviewing a change"', () => {
  const review = section('Reviewing a change');
  for (const id of RULE_IDS) expect(`${id}: ${review.includes(`\`${id}\``)}`).toBe(`${id}: true`);
});

it('keeps the two quick-start commands', () => {
  expect(section('Quick start')).toContain('```sh\nnpm ci && npm run synth\nnpm test\n```');
});
