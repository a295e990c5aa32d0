/**
 * YAML text -> a tree of values that remember where they were written.
 *
 * Validation works on plain values, but every message must name the file, line and column of the
 * field it is about, also after `extends` has merged several files. So each file is parsed into a
 * `SourceNode` tree (value + position, and the position of each map key), trees are merged, and
 * a path from a validation issue is looked up in the merged tree.
 */
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { ConfigPath, Diagnostic, SourcePosition } from './diagnostics';

export interface ScalarNode {
  readonly kind: 'scalar';
  readonly position: SourcePosition;
  readonly value: unknown;
  /** The text as written, e.g. `1.50` or `"500GB"`: messages quote what the user typed. */
  readonly source: string;
}
export interface MapEntry {
  readonly keyPosition: SourcePosition;
  readonly node: SourceNode;
}
export interface MapNode {
  readonly kind: 'map';
  readonly position: SourcePosition;
  readonly entries: ReadonlyMap<string, MapEntry>;
}
export interface SeqNode {
  readonly kind: 'seq';
  readonly position: SourcePosition;
  readonly items: readonly SourceNode[];
}
export type SourceNode = ScalarNode | MapNode | SeqNode;

export interface ParsedSource {
  /** Absent when the text has no document or errors prevent building one. */
  readonly root?: SourceNode;
  readonly diagnostics: Diagnostic[];
}

/** Parses one YAML document. `file` is the name used in messages (e.g. `config/prod.yaml`). */
export function parseYamlSource(file: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `yes` stays a string, no merge keys (`<<`), duplicate keys reported
  // by the walker below (with the field path) rather than by the parser.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: false, version: '1.2' });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const diagnostics: Diagnostic[] = [];
  // One syntax error usually causes the ones after it: report the first, and count the rest.
  const [first, ...rest] = doc.errors;
  if (first) {
    const message = first.code === 'MULTIPLE_DOCS'
      ? 'a config file holds one environment: remove the `---` document separator and what follows'
      : `YAML syntax error: ${first.message.replace(/\s+at line \d+, column \d+.*$/s, '').trim()}`;
    const more = rest.length > 0 ? ` (${rest.length} more YAML error${rest.length === 1 ? '' : 's'} after it, likely caused by this one)` : '';
    diagnostics.push({ severity: 'error', position: at(first.pos[0]), path: [], message: message + more });
    return { diagnostics };
  }
  if (doc.contents === null) return { diagnostics };
  const budget: Budget = { values: MAX_VALUES };
  try {
    const root = walk(doc, doc.contents, [], at, diagnostics, new Set(), budget);
    return { root, diagnostics };
  } catch (err) {
    if (!(err instanceof LimitExceeded)) throw err;
    return { diagnostics: [{ severity: 'error', position: err.position, path: err.path, message: err.message }] };
  }
}

/**
 * Most values a file may expand to. A real config has a few hundred; aliases can multiply a
 * small file into billions (an "alias bomb"), so the walk counts what it builds and stops.
 */
export const MAX_VALUES = 20_000;
/** Deepest nesting of maps and lists (the text checks catch deeper flow and block nesting first). */
export const MAX_DEPTH = 64;

interface Budget { values: number }

/** The file expands beyond a limit: reported at the place where it happened, then the walk stops. */
class LimitExceeded extends Error {
  constructor(readonly position: SourcePosition, readonly path: ConfigPath, message: string) {
    super(message);
  }
}

function walk(
  doc: Document,
  node: Node,
  path: ConfigPath,
  at: (offset: number) => SourcePosition,
  diagnostics: Diagnostic[],
  resolving: Set<Node>,
  budget: Budget,
  aliasAt?: SourcePosition,
): SourceNode {
  const position = at(node.range?.[0] ?? 0);
  if (--budget.values < 0) {
    throw new LimitExceeded(aliasAt ?? position, path,
      `the file expands to more than ${MAX_VALUES} values${aliasAt ? ' through aliases (an alias bomb?)' : ''}: a config this large is a mistake; share settings with \`extends: _base.yaml\` instead of aliases`);
  }
  if (path.length > MAX_DEPTH) {
    throw new LimitExceeded(aliasAt ?? position, path, `nested more than ${MAX_DEPTH} levels deep: this is not a config`);
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target || resolving.has(target)) {
      diagnostics.push({ severity: 'error', position, path, message: `alias *${node.source} does not refer to an anchor above it` });
      return { kind: 'scalar', position, value: null, source: `*${node.source}` };
    }
    resolving.add(target);
    const resolved = walk(doc, target, path, at, diagnostics, resolving, budget, aliasAt ?? position);
    resolving.delete(target);
    return resolved;
  }
  if (isMap(node)) {
    const entries = new Map<string, MapEntry>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyPosition = at(keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        diagnostics.push({ severity: 'error', position: keyPosition, path, message: 'map keys must be plain words' });
        continue;
      }
      const key = String(keyNode.value);
      if (key === '<<') {
        diagnostics.push({
          severity: 'error', position: keyPosition, path,
          message: 'YAML merge keys (<<) are not supported: share settings with `extends: _base.yaml` instead',
        });
        continue;
      }
      const first = entries.get(key);
      if (first) {
        diagnostics.push({
          severity: 'error', position: keyPosition, path: [...path, key],
          message: `duplicate key "${key}" (first written at line ${first.keyPosition.line}): remove one of them`,
        });
        continue;
      }
      const valueNode = pair.value as Node | null;
      const child: SourceNode = valueNode
        ? walk(doc, valueNode, [...path, key], at, diagnostics, resolving, budget, aliasAt)
        : { kind: 'scalar', position: keyPosition, value: null, source: '' };
      entries.set(key, { keyPosition, node: child });
    }
    return { kind: 'map', position, entries };
  }
  if (isSeq(node)) {
    const items = node.items.map((item, i) =>
      item === null
        ? ({ kind: 'scalar', position, value: null, source: '' } satisfies ScalarNode)
        : walk(doc, item as Node, [...path, i], at, diagnostics, resolving, budget, aliasAt));
    return { kind: 'seq', position, items };
  }
  if (isScalar(node)) {
    return { kind: 'scalar', position, value: node.value, source: node.source ?? String(node.value) };
  }
  diagnostics.push({ severity: 'error', position, path, message: 'unsupported YAML node' });
  return { kind: 'scalar', position, value: null, source: '' };
}

/** The plain value of a tree, as validation sees it. */
export function toPlain(node: SourceNode): unknown {
  switch (node.kind) {
    case 'scalar': return node.value;
    case 'seq': return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) out[key] = toPlain(entry.node);
      return out;
    }
  }
}

/**
 * Deep merge for `extends`: maps merge key by key, everything else (lists, scalars) in `over`
 * replaces what `base` has. Positions come from the file that supplied each value.
 */
export function mergeSources(base: SourceNode, over: SourceNode): SourceNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = new Map(base.entries);
  for (const [key, entry] of over.entries) {
    const inBase = entries.get(key);
    entries.set(key, inBase ? { keyPosition: entry.keyPosition, node: mergeSources(inBase.node, entry.node) } : entry);
  }
  return { kind: 'map', position: over.position, entries };
}

/** Removes one top-level key (used for `extends`, a loader directive, not configuration). */
export function withoutKey(node: SourceNode, key: string): SourceNode {
  if (node.kind !== 'map' || !node.entries.has(key)) return node;
  const entries = new Map(node.entries);
  entries.delete(key);
  return { ...node, entries };
}

export interface Located {
  /** The deepest node on the path that exists. */
  readonly node: SourceNode;
  /** True when the whole path exists. */
  readonly complete: boolean;
  /** Where to point: the key when the path ends at a map entry, else the node itself. */
  readonly keyPosition?: SourcePosition;
}

/** Follows a path as far as the tree goes. */
export function locate(root: SourceNode, path: ConfigPath): Located {
  let node = root;
  let keyPosition: SourcePosition | undefined;
  for (const segment of path) {
    if (node.kind === 'map' && typeof segment === 'string' && node.entries.has(segment)) {
      const entry = node.entries.get(segment)!;
      keyPosition = entry.keyPosition;
      node = entry.node;
    } else if (node.kind === 'seq' && typeof segment === 'number' && segment < node.items.length) {
      keyPosition = undefined;
      node = node.items[segment];
    } else {
      return { node, complete: false, keyPosition };
    }
  }
  return { node, complete: true, keyPosition };
}

/** How a value was written, for "got …" in messages. */
export function describeSource(node: SourceNode): string {
  switch (node.kind) {
    case 'map': return 'a map';
    case 'seq': return node.items.length === 0 ? 'an empty list' : `a list of ${node.items.length}`;
    case 'scalar':
      if (node.value === null) return 'nothing (an empty value)';
      if (typeof node.value === 'string') return JSON.stringify(node.value);
      return node.source;
  }
}
