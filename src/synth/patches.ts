/**
 * The config's JSON patches (RFC 6902), applied to the rendered objects of an environment: the
 * escape hatch for a field axon-deploy does not offer. Applied with cdk8s's own JsonPatch (which
 * uses fast-json-patch), after the objects are synthesized and before they are written, so a
 * patched object is what validate and the server-side dry-run check. A patch that cannot apply
 * (a path that does not exist, a failed test) is a configuration error at the patch.
 */
import { JsonPatch } from 'cdk8s';
import { ARGOCD_PREFIX, ARGOCD_SYNC_OPTIONS, PRUNE_LAST_SYNC_OPTIONS } from '../domain/keys';
import type { EnvironmentModel, PatchModel } from '../model/types';
import type { KubeObject } from './render';

/** A patch that does not apply: where it is declared and why. */
export class PatchError extends Error {
  constructor(
    readonly environment: string,
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

function operation(op: Readonly<Record<string, unknown>>): JsonPatch {
  const path = String(op.path);
  switch (op.op) {
    case 'add':
      return JsonPatch.add(path, op.value);
    case 'replace':
      return JsonPatch.replace(path, op.value);
    case 'test':
      return JsonPatch.test(path, op.value);
    case 'remove':
      return JsonPatch.remove(path);
    case 'move':
      return JsonPatch.move(String(op.from), path);
    case 'copy':
      return JsonPatch.copy(String(op.from), path);
    default:
      throw new Error(`unknown op ${String(op.op)}`);
  }
}

/**
 * The objects of all parts with every patch of the model applied; throws PatchError for one that
 * does not apply, or whose target is not rendered (an object of a phase not reached, e.g. the
 * preview Service while nothing is previewed).
 */
export function applyPatches<P extends string>(
  model: EnvironmentModel,
  parts: Record<P, readonly KubeObject[]>,
): Record<P, KubeObject[]> {
  const out = Object.fromEntries(
    Object.entries(parts).map(([part, objects]) => [part, [...(objects as KubeObject[])]]),
  ) as Record<P, KubeObject[]>;
  for (const patch of model.patches) {
    const hit = Object.values<KubeObject[]>(out).find((objects) =>
      objects.some((o) => o.kind === patch.target.kind && o.metadata.name === patch.target.name),
    );
    if (!hit) {
      throw new PatchError(
        model.name,
        patch.index,
        `${patch.target.kind} ${patch.target.name} is not rendered in ${model.name} as configured now (an object of a phase that is not reached?): remove the patch or change its target`,
      );
    }
    const at = hit.findIndex((o) => o.kind === patch.target.kind && o.metadata.name === patch.target.name);
    hit[at] = applyOne(model.name, patch, hit[at]);
  }
  return out;
}

function applyOne(environment: string, patch: PatchModel, obj: KubeObject): KubeObject {
  if (obj.metadata.annotations?.[ARGOCD_SYNC_OPTIONS] === PRUNE_LAST_SYNC_OPTIONS && obj.kind === 'ConfigMap') {
    throw new PatchError(
      environment,
      patch.index,
      `${obj.kind} ${obj.metadata.name} is a revision named by its content: a patch would change it without a new name, so the pods that mount it would not roll; change the config instead`,
    );
  }
  let doc: unknown = JSON.parse(JSON.stringify(obj));
  patch.ops.forEach((op, i) => {
    const problem = missing(doc, op);
    if (problem)
      throw new PatchError(
        environment,
        patch.index,
        `cannot apply to ${patch.target.kind} ${patch.target.name}: operation ${i + 1} (${String(op.op)} ${String(op.path)}): ${problem}`,
      );
    try {
      doc = JsonPatch.apply(doc, operation(op));
    } catch (err) {
      throw new PatchError(
        environment,
        patch.index,
        `cannot apply to ${patch.target.kind} ${patch.target.name}: operation ${i + 1} (${String(op.op)} ${String(op.path)}): ${(err as Error).message.split('\n')[0]}`,
      );
    }
  });
  const result = doc as KubeObject;
  if (
    result.kind !== obj.kind ||
    result.metadata?.name !== obj.metadata.name ||
    result.apiVersion !== obj.apiVersion ||
    result.metadata?.namespace !== obj.metadata.namespace
  ) {
    throw new PatchError(
      environment,
      patch.index,
      'a patch may not change apiVersion, kind, metadata.name or metadata.namespace (that would be another object: declare it in the config instead)',
    );
  }
  const argo = (o: KubeObject) =>
    JSON.stringify(
      Object.entries(o.metadata?.annotations ?? {})
        .filter(([k]) => k.startsWith(ARGOCD_PREFIX))
        .sort(),
    );
  if (argo(result) !== argo(obj)) {
    throw new PatchError(
      environment,
      patch.index,
      'a patch may not change the Argo CD annotations (sync waves, hooks, Prune=false protection): they keep the rollout order and the data safe',
    );
  }
  return result;
}

/** RFC 6901: the tokens of a JSON pointer. */
const tokens = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));

/** The value at a pointer, or undefined with how far the path exists. */
function resolve(doc: unknown, pointer: string): { found: boolean; value?: unknown; existing: string } {
  let value = doc;
  let existing = '';
  for (const token of tokens(pointer)) {
    const container = value as Record<string, unknown> | unknown[] | null;
    if (
      container === null ||
      typeof container !== 'object' ||
      !(Array.isArray(container) ? /^\d+$/.test(token) && Number(token) < container.length : token in container)
    ) {
      return { found: false, existing: existing || '/' };
    }
    value = Array.isArray(container) ? container[Number(token)] : container[token];
    existing += `/${token}`;
  }
  return { found: true, value, existing };
}

/** What an operation needs that the document lacks: RFC 6902 requires the target (or its parent, for add) to exist. */
function missing(doc: unknown, op: Readonly<Record<string, unknown>>): string | undefined {
  const path = String(op.path);
  const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/'));
  const needs = (pointer: string, what: string) => {
    const r = resolve(doc, pointer);
    return r.found ? undefined : `${what} ${pointer || '/'} does not exist (the object has ${r.existing})`;
  };
  switch (op.op) {
    case 'add':
      return path === '' ? undefined : needs(parentOf(path), 'the parent');
    case 'move':
    case 'copy':
      return needs(String(op.from), 'from') ?? needs(parentOf(path), 'the parent');
    default:
      return needs(path, 'the path');
  }
}
