/**
 * The docs are part of the product: they must name every command, option and review rule that
 * exists (a renamed option or a new rule without documentation fails here), the generated
 * references must be current, the README keeps the quick start, and every relative link between
 * the docs must lead somewhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/cli/main';
import { RULES_END, RULES_START, schemaFiles } from '../../../src/cli/commands/schema';
import { DOCS } from '../../../src/domain/docs';
import { RULE_IDS } from '../../../src/domain/rules';
import { ROOT } from '../../support/helpers';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The text from the heading that starts with `heading` to the next heading of its level or above. */
const section = (file: string, heading: string) => {
  const text = read(file);
  const level = /^#+/.exec(heading)![0].length;
  const start = text.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`${file} has no section ${heading}`);
  const rest = text.slice(start + 1);
  const next = new RegExp(`\\n#{1,${level}} `).exec(rest);
  return next ? rest.slice(0, next.index) : rest;
};

/** Every Markdown file of the docs: the README and docs/**\/*.md, relative to the root. */
const markdownFiles = (): string[] => {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) return walk(rel);
      return e.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...walk('docs')];
};

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
const anchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
};

/** The Markdown without fenced code blocks, where nothing is a link or a heading. */
const withoutFences = (markdown: string) => markdown.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[ \t]*$/gm, '');
/** …and without inline code either. */
const withoutCode = (markdown: string) => withoutFences(markdown).replace(/`[^`\n]*`/g, '');

describe('the command line (docs/reference/cli.md)', () => {
  const cli = read('docs/reference/cli.md');

  it.each(COMMANDS.map((c) => [c.name, c] as const))('documents %s and every option of it', (name, command) => {
    expect(cli).toContain(`| \`${name}`);
    const own = section('docs/reference/cli.md', `## \`${name}`);
    for (const o of command.options)
      expect(`${name}: --${o.name} ${own.includes(`--${o.name}`)}`).toBe(`${name}: --${o.name} true`);
  });
});

describe('the review rules (docs/reference/review-rules.md)', () => {
  const file = 'docs/reference/review-rules.md';

  it('is what `axon-deploy schema --rules` generates from the rule registry', () => {
    const current = read(file);
    const generated = new Map(schemaFiles('config', undefined, { file, current }));
    expect(current).toBe(generated.get(file));
  });

  it('lists and explains every rule', () => {
    const current = read(file);
    const table = current.slice(current.indexOf(RULES_START), current.indexOf(RULES_END));
    const details = section(file, '## Details');
    for (const id of RULE_IDS) {
      expect(`${id}: ${table.includes(`| \`${id}\` |`)}`).toBe(`${id}: true`);
      expect(`${id} explained: ${details.includes(`| \`${id}\` |`)}`).toBe(`${id} explained: true`);
    }
  });
});

it('keeps the configuration reference current (docs/reference/configuration.md)', () => {
  const file = 'docs/reference/configuration.md';
  const current = read(file);
  expect(current).toBe(new Map(schemaFiles('config', { file, current })).get(file));
});

it('keeps the two quick-start commands in the README', () => {
  expect(section('README.md', '## Quick start')).toContain('```sh\nnpm ci && npm run synth\nnpm test\n```');
});

describe('links', () => {
  const files = markdownFiles();

  it.each(files)('every relative link of %s points at a file and heading that exist', (file) => {
    const text = withoutCode(read(file));
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const [ref, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = ref === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), ref));
      if (!fs.existsSync(path.join(ROOT, resolved))) {
        broken.push(`${target}: no file ${resolved}`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });

  it('reaches every page of docs/ from the README or another page', () => {
    const linked = new Set<string>();
    for (const file of files)
      for (const [, target] of withoutCode(read(file)).matchAll(/\]\(([^)#\s]+)/g))
        linked.add(path.posix.normalize(path.posix.join(path.posix.dirname(file), target)));
    expect(files.filter((f) => f !== 'README.md' && !linked.has(f))).toEqual([]);
  });
});

it('has every page and heading that messages and schema descriptions cite (src/domain/docs.ts)', () => {
  const missing = Object.entries(DOCS).filter(([, target]) => {
    const [file, anchor] = target.split('#', 2) as [string, string | undefined];
    if (!fs.existsSync(path.join(ROOT, file))) return true;
    return anchor !== undefined && !anchorsOf(read(file)).has(anchor);
  });
  expect(missing).toEqual([]);
});
