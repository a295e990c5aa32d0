/**
 * A typed view of parsed JSON or YAML whose shape is not known in advance (rendered manifests,
 * live objects): every read says what it expects and gets a safe empty value otherwise.
 */

export type JsonObject = { readonly [key: string]: unknown };

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value as an object; `{}` when it is none. */
export const asObject = (value: unknown): JsonObject => (isObject(value) ? value : {});

/** The value as an array; `[]` when it is none. */
export const asArray = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/** The value as an array of objects (entries that are no objects are skipped). */
export const objectsOf = (value: unknown): readonly JsonObject[] => asArray(value).filter(isObject);

/** The value if it is a string. */
export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The value if it is a number. */
export const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** The value at a path of object keys; undefined where the path leaves the objects. */
export const valueAt = (value: unknown, ...path: readonly string[]): unknown =>
  path.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);

/** A string map (labels, annotations, ConfigMap data): the entries whose values are strings. */
export const stringEntries = (value: unknown): [string, string][] =>
  Object.entries(asObject(value)).filter((e): e is [string, string] => typeof e[1] === 'string');
