/**
 * zod issues -> diagnostics a newcomer can act on: the file, line and column of the field,
 * what was expected, what was found (as written in the YAML), and a hint where one helps.
 */
import { z } from 'zod';
import { ConfigPath, Diagnostic, PathSegment } from './diagnostics';
import { closest } from './formats';
import { describeSource, locate, SourceNode } from './yaml-source';

type Issue = z.core.$ZodIssue;

/** What zod keeps inside a schema; only the parts needed to find an object's keys. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  readonly in?: z.ZodType;
}
const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schema that applies at `path`, following the input to pick discriminated-union options. */
function schemaAt(schema: z.ZodType, path: ConfigPath, input: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  let value = input;
  let i = 0;
  while (current) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') {
      current = def.innerType;
      continue;
    }
    if (def.type === 'pipe') {
      current = def.in;
      continue;
    }
    if (def.type === 'union' && def.discriminator && def.options) {
      const tag = isRecord(value) ? value[def.discriminator] : undefined;
      current = def.options.find((option) => {
        const literal = defOf(option).shape?.[def.discriminator!];
        return literal !== undefined && (literal as unknown as { _zod: { values?: Set<unknown> } })._zod.values?.has(tag);
      });
      continue;
    }
    if (i === path.length) return current;
    const segment: PathSegment = path[i++];
    if (def.type === 'object' && def.shape && typeof segment === 'string') current = def.shape[segment];
    else if (def.type === 'array' && typeof segment === 'number') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys an object accepts at `path`. */
export function allowedKeys(schema: z.ZodType, path: ConfigPath, input: unknown): string[] {
  const at = schemaAt(schema, path, input);
  const shape = at ? defOf(at).shape : undefined;
  return shape ? Object.keys(shape).filter((k) => k !== '$schema') : [];
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false',
  object: 'a map of fields', array: 'a list', record: 'a map',
};

/** Words YAML 1.1 (and many YAML tools) read as booleans; YAML 1.2 reads them as strings. */
const YAML_11_BOOLEANS = new Map([
  ...['yes', 'y', 'on'].map((w) => [w, true] as const),
  ...['no', 'n', 'off'].map((w) => [w, false] as const),
]);

const quoteAll = (values: readonly unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

/** Keys renamed in a release, by `<parent key>.<old key>`: the error names the new one. */
const RENAMED_KEYS: Readonly<Record<string, { readonly to: string; readonly why: string }>> = {
  'sideEffects.tokenStore': { to: 'store', why: 'it holds the side-effect groups\' sagas and dead letters too' },
  'release.gate': {
    to: 'promotion',
    why: 'the rollout controller checks the processors and switches the live colour: promotion.processors, maxLagEvents, timeoutSeconds',
  },
  'axonServer.rolloutGate': {
    to: 'rollout',
    why: 'the rollout controller replaces the gate Jobs: rollout.maxLagEntries, settleSeconds, stuckAfterSeconds',
  },
};

function renamedKey(path: readonly (string | number)[], key: string): { to: string; why: string } | undefined {
  const parent = [...path].reverse().find((s): s is string => typeof s === 'string');
  return parent === undefined ? undefined : RENAMED_KEYS[`${parent}.${key}`];
}

/** Turns zod issues into diagnostics with positions from the merged source tree. */
export function issuesToDiagnostics(issues: readonly Issue[], root: SourceNode, schema: z.ZodType, input: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, path, input);
      for (const key of issue.keys) {
        const at = locate(root, [...path, key]);
        const renamed = renamedKey(path, key);
        if (renamed) {
          out.push({
            severity: 'error',
            position: at.keyPosition ?? at.node.position,
            path: [...path, key],
            message: `"${key}" was renamed to "${renamed.to}" (${renamed.why}); see CHANGELOG.md`,
          });
          continue;
        }
        const guess = closest(key, allowed);
        out.push({
          severity: 'error',
          position: at.keyPosition ?? at.node.position,
          path: [...path, key],
          message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed here: ${allowed.join(', ')}`,
        });
      }
      continue;
    }
    const at = locate(root, path);
    const params = issue.code === 'custom' ? (issue.params as { hint?: string; about?: string } | undefined) : undefined;
    const aboutKey = params?.about === 'key';
    const position = aboutKey ? at.keyPosition ?? at.node.position : at.node.position;
    const found = !at.complete ? undefined : aboutKey ? JSON.stringify(String(path[path.length - 1])) : describeSource(at.node);
    // z.int() reports a string as "expected number": say "whole number" where one is wanted.
    const target = schemaAt(schema, path, input);
    const wholeNumber = target !== undefined && (defOf(target) as SchemaDef & { format?: string }).format === 'safeint';
    const resolved = issue.code === 'invalid_type' && wholeNumber && issue.expected === 'number' ? { ...issue, expected: 'int' as const } : issue;
    out.push({ severity: 'error', position, path, message: messageFor(resolved, found, params?.hint, path) });
  }
  return out;
}

function messageFor(issue: Issue, found: string | undefined, hint: string | undefined, path: ConfigPath): string {
  const withFound = (expected: string) => {
    const got = found === undefined || expected.includes(', got ') ? '' : `, got ${found}`;
    return `${expected}${got}${hint ? ` (${hint})` : ''}`;
  };
  const custom = !issue.message.startsWith('Invalid');
  switch (issue.code) {
    case 'invalid_type': {
      if (found === undefined) return `missing required field "${String(path[path.length - 1])}"`;
      const expected = custom ? issue.message : `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
      const yaml11 = typeof issue.input === 'string' ? YAML_11_BOOLEANS.get(issue.input.toLowerCase()) : undefined;
      if (issue.expected === 'boolean' && yaml11 !== undefined) {
        return `${expected}, got ${found} (YAML 1.1 reads ${String(issue.input)} as ${yaml11}; config files are YAML 1.2, where it is a string: write ${yaml11})`;
      }
      if (issue.expected === 'string' && !hint && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
        // YAML turned what the user typed into a number or boolean: 1.5, 2.0, true, 08.
        return `${expected}, got ${found} (YAML reads ${found} as a ${typeof issue.input}: write "${found}" in quotes)`;
      }
      return withFound(expected);
    }
    case 'invalid_value': {
      const guess = found !== undefined ? closest(found.replace(/^"|"$/g, ''), issue.values.map(String)) : undefined;
      const base = withFound(`expected one of ${quoteAll(issue.values)}`);
      return guess ? `${base} (did you mean ${guess}?)` : base;
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as unknown as { options?: unknown[] }).options ?? [];
        if (found === undefined) return `missing required field "${String(path[path.length - 1])}" (one of ${quoteAll(options)})`;
        return withFound(`expected one of ${quoteAll(options)}`);
      }
      return withFound(custom ? issue.message : 'expected a value of another type');
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') return withFound(`expected ${word} ${bound} ${bound === 1 ? 'entry' : 'entries'}`);
      if (issue.origin === 'string') {
        // A schema's own message ("expected a reason of at least 10 characters: …") says more.
        if (issue.message.startsWith('expected ')) return withFound(issue.message);
        if (issue.code === 'too_small') return withFound(bound <= 1 ? 'expected a non-empty string' : `expected at least ${bound} characters`);
        return withFound(`expected at most ${bound} characters`);
      }
      return withFound(`expected ${word} ${bound}`);
    }
    case 'invalid_format':
    case 'custom':
      return withFound(issue.message);
    default:
      return withFound(issue.message);
  }
}
