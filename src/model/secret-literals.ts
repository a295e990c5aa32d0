/**
 * Literal values that look like secrets. axon-deploy writes literals into dist/, in plain text,
 * into Git: a secret there is leaked. The synth refuses them — by the variable's name and by the
 * value itself (well-known key formats, and long random-looking strings) — and says how to take
 * the value from a Secret instead. A reviewed escape exists for real false positives.
 */

/** Names that hold secrets: *SECRET*, *PASSWORD*, *PASS, *PWD, *TOKEN*, *API_KEY*, *PRIVATE_KEY*, *CREDENTIAL*. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)|(PASS|PWD)$/i;

/** Formats of well-known keys and tokens, with what they are. */
const KNOWN_FORMATS: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE|LICENSE)/, 'a PEM key, certificate or licence'],
  [/\b[sr]k_(live|test)_[0-9A-Za-z]{8,}/, 'a Stripe key'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[0-9A-Za-z]{20,}|\bgithub_pat_[0-9A-Za-z_]{20,}/, 'a GitHub token'],
  [/\bglpat-[0-9A-Za-z_-]{20,}/, 'a GitLab token'],
  [/\bxox[abprs]-[0-9A-Za-z-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/, 'a SendGrid key'],
  [/\bnpm_[0-9A-Za-z]{36}\b/, 'an npm token'],
  [/\beyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]*/, 'a JSON web token'],
  [/:\/\/[^/\s:@]+:[^/\s@]+@/, 'a URL with a password in it'],
];

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A long token of random-looking characters: at least 24 without spaces, letters and digits
 * mixed, more than 4.2 bits of entropy per character (hex digests and base64 keys; not paths,
 * hostnames, JVM options or JDBC URLs, which repeat their characters).
 */
function randomLooking(value: string): boolean {
  if (value.length < 24 || /\s/.test(value) || value.includes('://') || value.startsWith('/') || value.startsWith('-'))
    return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return entropy(value) > 4.2;
}

/** Why a literal looks like a secret, or undefined. `name` is the variable or property name. */
export function secretLiteralProblem(name: string, value: string): string | undefined {
  if (value === '') return undefined;
  if (SECRET_NAME.test(name)) return 'its name says it is a secret';
  for (const [format, what] of KNOWN_FORMATS) if (format.test(value)) return `its value looks like ${what}`;
  if (randomLooking(value)) return 'its value looks like a random key or token';
  return undefined;
}
