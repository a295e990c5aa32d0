/**
 * Formats Kubernetes and Axon Server accept, as checks that say what is wrong in words.
 * Each check returns `undefined` when the value is fine, or the problem as a sentence.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;


/**
 * A DNS-1035 label (what Services and most object names need): lowercase letters, digits and
 * `-`, starting with a letter, ending with a letter or digit, at most `max` characters.
 */
export function dnsLabelProblem(value: string, max: number, why?: string): string | undefined {
  const rule = 'lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
  if (value.length === 0) return `expected a name (${rule})`;
  if (value.length > max) {
    return `expected at most ${max} characters${why ? ` (${why})` : ''}, got ${value.length}: ${JSON.stringify(value)}`;
  }
  if (!DNS_LABEL.test(value) || !/^[a-z]/.test(value)) return `expected a name of ${rule}`;
  return undefined;
}

/** A DNS-1123 subdomain, the rule for Secret, ConfigMap and StorageClass names. */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return 'expected a Kubernetes object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key prefix ${JSON.stringify(prefix)} must be a DNS subdomain like example.com`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return 'expected a label key: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** A label value: empty, or at most 63 letters, digits, `-`, `_`, `.`, alphanumeric at both ends. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return 'expected a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

export type QuantityKind = 'cpu' | 'memory' | 'storage';

const QUANTITY_EXAMPLES: Record<QuantityKind, string> = { cpu: '500m or 2', memory: '4Gi', storage: '500Gi' };

/** What is wrong with a value, and optionally how to fix it (shown after what was found). */
export interface Problem {
  readonly message: string;
  readonly hint?: string;
}

/** A Kubernetes quantity (`500m`, `2`, `4Gi`, `500Gi`), with a hint for the usual slips. */
export function quantityProblem(value: string, kind: QuantityKind): Problem | undefined {
  const message = `expected a quantity like ${QUANTITY_EXAMPLES[kind]}`;
  const bytes = /^\s*(\d+(?:\.\d+)?)\s*([kKMGTPE])i?B\s*$/.exec(value);
  if (bytes) {
    const [, n, u] = bytes;
    const U = u.toUpperCase();
    return { message, hint: `Kubernetes has no "${U}B": write ${n}${U}i for ${n} ${U}iB or ${n}${U === 'K' ? 'k' : U} for ${n} ${U}B` };
  }
  if (!QUANTITY.test(value)) return { message };
  if (kind !== 'cpu' && /m$/.test(value)) return { message, hint: `"m" means milli: ${value} is a fraction of a byte` };
  if (kind === 'storage' && !/(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$/.test(value)) return { message, hint: 'give a unit, e.g. Gi' };
  return undefined;
}

const MULTIPLIERS: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a valid quantity (bytes for memory and storage, cores for CPU). */
export function parseQuantity(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`not a quantity: ${value}`);
  const suffix = match[3] ?? '';
  return Number(value.slice(0, value.length - suffix.length)) * MULTIPLIERS[suffix];
}

export interface ImageReference {
  /** Registry and path, e.g. `registry.example.com/orders/order-service`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Parses `registry/path[:tag][@digest]` by the container image reference grammar. */
export function parseImageReference(value: string): ImageReference | undefined {
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!REPOSITORY.test(rest) || rest.length > 255) return undefined;
  return { repository: rest, tag, digest };
}

const VERSION = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/**
 * A release version: used as the image tag and as the `app.kubernetes.io/version` label value,
 * so it must satisfy both (at most 63 characters, letters, digits, `.`, `_`, `-`).
 */
export function versionProblem(value: string): string | undefined {
  if (!VERSION.test(value)) {
    return 'expected a version usable as image tag and label value: at most 63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Environment variable names as Kubernetes 1.27 accepts them. */
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Axon Server context and replication group names. */
export const AXON_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export { closest } from '../util/text';
