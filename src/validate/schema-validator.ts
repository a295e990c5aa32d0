/**
 * Validates manifests against the schemas the generated classes came from: the Kubernetes 1.27
 * OpenAPI definitions and the Argo CD CRDs in imports/schemas/, with ajv.
 *
 * Strict, as a cluster with field validation is: every object schema that lists its properties
 * gets `additionalProperties: false` (the same hardening kubeconform's -strict applies), except
 * where the schema itself preserves unknown fields. A misspelt field is an error, not dropped.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../package-info';
import { checkRestricted, checkSecretHygiene } from './policies';
import { asString, valueAt } from './json-view';
import { customResourceDefinitions } from '../controller/crds';

/** The schemas the generated classes came from (copied by `npm run import`), shipped with the package. */
export const schemaDir = (): string => path.join(packageRoot(), 'imports', 'schemas');
const KUBERNETES_DEFINITIONS = 'kubernetes-v1.27.0/_definitions.json';

export interface SchemaProblem {
  /** JSON path inside the object, e.g. `spec.template.spec.containers[0].ports[0].port`. */
  readonly path: string;
  readonly message: string;
}

type Schema = Record<string, unknown>;

/** Adds `additionalProperties: false` to object schemas that list their properties. */
export function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` and `definitions` hold names, not schemas: recurse into their values only.
    out[key] =
      key === 'properties' || key === 'definitions' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strict(v)]))
        : strict(value);
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** Validators per `apiVersion/kind`, compiled on first use (most kinds are never seen). */
export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly schemas = new Map<string, () => Schema>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(dir: string = schemaDir()) {
    const k8s = JSON.parse(fs.readFileSync(path.join(dir, KUBERNETES_DEFINITIONS), 'utf8')) as {
      definitions: Record<string, Schema>;
    };
    const definitions = strict(k8s.definitions) as Record<string, Schema>;
    this.ajv.addSchema({ $id: 'k8s', definitions });
    for (const [name, def] of Object.entries(definitions)) {
      for (const gvk of (def['x-kubernetes-group-version-kind'] as
        { group: string; version: string; kind: string }[] | undefined) ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        this.schemas.set(`${apiVersion}/${gvk.kind}`, () => ({ $ref: `k8s#/definitions/${name}` }));
      }
    }
    // Every CustomResourceDefinition beside the Kubernetes definitions (Argo CD, cert-manager, …),
    // and axon-deploy's own.
    const documents = [
      ...crdFiles(dir).flatMap((file) =>
        parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown),
      ),
      ...customResourceDefinitions(),
    ];
    {
      for (const doc of documents) {
        const crd = doc as {
          kind?: string;
          spec?: {
            group: string;
            names: { kind: string };
            versions: { name: string; schema?: { openAPIV3Schema: Schema } }[];
          };
        } | null;
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const v of crd.spec.versions) {
          if (v.schema)
            this.schemas.set(
              `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`,
              () => strict(v.schema!.openAPIV3Schema) as Schema,
            );
        }
      }
    }
  }

  /** The kinds this validator knows, as `apiVersion/kind`. */
  get kinds(): string[] {
    return [...this.schemas.keys()].sort();
  }

  /** Problems of one object; an unknown apiVersion/kind is itself a problem. */
  validate(obj: unknown): SchemaProblem[] {
    const apiVersion = asString(valueAt(obj, 'apiVersion')) ?? '(none)';
    const kind = asString(valueAt(obj, 'kind')) ?? '(none)';
    const key = `${apiVersion}/${kind}`;
    let check = this.compiled.get(key);
    if (!check) {
      const schema = this.schemas.get(key);
      if (!schema) return [{ path: '', message: `no schema for apiVersion ${apiVersion} kind ${kind}` }];
      check = this.ajv.compile(schema());
      this.compiled.set(key, check);
    }
    if (check(obj)) return [];
    return (check.errors ?? []).map(describe);
  }
}

/** The CustomResourceDefinition files beside the Kubernetes definitions (Argo CD, cert-manager, …). */
export function crdFiles(dir: string = schemaDir()): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('kubernetes-'))
    .flatMap((e) =>
      fs
        .readdirSync(path.join(dir, e.name))
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(dir, e.name, f)),
    )
    .sort();
}

function describe(e: ErrorObject): SchemaProblem {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  const extra =
    e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
  return { path, message: `${e.message ?? e.keyword}${extra}` };
}

/**
 * Checks every manifest under `dir` (skipping kustomization.yaml): the API schemas, the Pod
 * Security Standards "restricted" profile, and secret hygiene. Returns `file: kind/name: path: message` lines.
 */
export function validateDirectory(
  dir: string,
  cwd: string,
  validator = new SchemaValidator(),
): { files: number; objects: number; problems: string[] } {
  const problems: string[] = [];
  let files = 0;
  let objects = 0;
  for (const file of listYaml(dir)) {
    files++;
    const rel = path.relative(cwd, file);
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const obj: unknown = doc.toJS();
      if (obj === null) continue;
      const id = `${asString(valueAt(obj, 'kind')) ?? '(no kind)'}/${asString(valueAt(obj, 'metadata', 'name')) ?? '(unnamed)'}`;
      objects++;
      const report = (what: string, list: readonly SchemaProblem[]) => {
        for (const p of list) problems.push(`${rel}: ${id}: ${what}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
      };
      report('schema', validator.validate(obj));
      report('pod security (restricted)', checkRestricted(obj));
      report('secret hygiene', checkSecretHygiene(obj));
    }
  }
  return { files, objects, problems };
}

function listYaml(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listYaml(full);
      // *.patch.yaml are patches of objects outside dist/ (Argo CD's argocd-cm), not manifests.
      return entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml' && !entry.name.endsWith('.patch.yaml')
        ? [full]
        : [];
    })
    .sort();
}
