/**
 * The configuration schema as JSON Schema (for editors) and as a Markdown reference (for the
 * docs/reference/configuration.md), both derived from the zod schema so neither can drift from what is validated.
 */
import { z } from 'zod';
import { environmentSchema } from './schema';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  [key: string]: unknown;
};

const DEFAULT_NOTE = /\s*@default - (.*)$/;

/** JSON Schema (draft-07) of an environment file; `partial` drops every `required` (for `_base.yaml` files). */
export function environmentJsonSchema(partial = false): JsonSchema {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', target: 'draft-7' }) as JsonSchema;
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (partial && key === 'required') continue;
      out[key] = key === 'description' && typeof value === 'string' ? value.replace(DEFAULT_NOTE, ' (default: $1)') : visit(value);
    }
    return out;
  };
  const result = visit(schema) as JsonSchema;
  return {
    ...result,
    title: partial ? 'axon-deploy shared base file (config/_*.yaml)' : 'axon-deploy environment (config/<env>.yaml)',
  };
}

interface Row {
  readonly field: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue: string;
  readonly description: string;
}

/** One row per field, in schema order, as a Markdown table. */
export function configReference(): string {
  const rows: Row[] = [];
  walk(z.toJSONSchema(environmentSchema, { io: 'input', target: 'draft-7' }) as JsonSchema, '', rows);
  const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| Field | Type | Default | Description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.field}\` | ${escape(r.type)} | ${r.required ? '**required**' : escape(r.defaultValue)} | ${escape(r.description)} |`),
  ].join('\n');
}

function walk(schema: JsonSchema, prefix: string, rows: Row[]): void {
  const required = new Set(schema.required ?? []);
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (key === '$schema') continue;
    const field = prefix ? `${prefix}.${key}` : key;
    const variants = child.oneOf ?? child.anyOf;
    const description = child.description ?? '';
    const note = DEFAULT_NOTE.exec(description);
    rows.push({
      field,
      type: typeName(child),
      required: required.has(key),
      defaultValue: note ? note[1] : formatDefault(child.default),
      description: description.replace(DEFAULT_NOTE, ''),
    });
    if (child.type === 'object' && child.properties) walk(child, field, rows);
    if (child.type === 'array' && child.items?.properties) walk(child.items, `${field}[]`, rows);
    if (child.type === 'object' && typeof child.additionalProperties === 'object' && child.additionalProperties.properties) {
      walk(child.additionalProperties, `${field}.<name>`, rows);
    }
    if (variants && variants.every((v) => v.properties)) {
      for (const v of variants) {
        const tag = Object.entries(v.properties ?? {}).find(([, p]) => p.const !== undefined);
        walk(v, tag ? `${field}(${tag[0]}: ${String(tag[1].const)})` : field, rows);
      }
    }
  }
}

function typeName(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(', ');
  const variants = s.oneOf ?? s.anyOf;
  if (variants) return variants.every((v) => v.properties) ? 'one of the forms below' : [...new Set(variants.map(typeName))].join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeName(s.items) : 'values'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeName(s.additionalProperties)}`;
  if (s.type === 'object') return 'map';
  if (s.type === 'integer') return 'integer';
  return Array.isArray(s.type) ? s.type.join(' or ') : s.type ?? 'value';
}

function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'object' && value !== null && Object.keys(value).length > 0 && !Array.isArray(value)) return 'see fields';
  return `\`${JSON.stringify(value)}\``;
}
