/**
 * What every axon-deploy Job script shares: plain JavaScript for Node.js 18+ without
 * dependencies (the Jobs run it with `node <file>` in a small image), kept as text so a rendered
 * ConfigMap is byte-identical however axon-deploy itself is built, and so the very same text
 * runs in this repository's tests against fake servers.
 *
 *   request(url, options)  one HTTP(S) request with a 10 s timeout, trusting the CA file given
 *   axon(method, path)     Axon Server's REST API at AXONSERVER_URL: the token in the
 *                          AxonIQ-Access-Token header (WebSecurityConfigurer), JSON in and out, a
 *                          refused token (401, 403) fatal, other failures retried by the caller
 *   retry(label, step)     runs a step until it reports nothing left to wait for, or times out
 *   finish(code, message)  the message on stdout or stderr and in /dev/termination-log
 */
export const JOB_PRELUDE = String.raw`'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const env = process.env;
const timeoutSeconds = Number(env.GATE_TIMEOUT_SECONDS || '900');
const intervalMs = Number(env.GATE_INTERVAL_SECONDS || '5') * 1000;
const list = (value) => String(value || '').split(',').map((s) => s.trim()).filter((s) => s !== '');
// Only finish() ends a run with 0: a run that stops any other way (a request that never
// completes, an unhandled rejection) fails.
process.exitCode = 1;
process.on('unhandledRejection', (err) => finish(1, 'failed: ' + ((err && err.message) || err)));

/** Cannot get better by waiting (a refused token, a bad Secret): fail at once. */
class Fatal extends Error {}

function readFile(file) {
  return fs.readFileSync(file, 'utf8').trim();
}

/** One request: resolves { status, text }; rejects when the server cannot be reached. */
function request(url, options) {
  const o = options || {};
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const body = o.body === undefined ? undefined : Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    const headers = Object.assign({ Accept: 'application/json' }, o.headers || {});
    if (body) Object.assign(headers, { 'Content-Type': o.contentType || 'application/json', 'Content-Length': body.length });
    const req = client.request(target, { method: o.method || 'GET', headers: headers, ca: o.caFile ? fs.readFileSync(o.caFile) : undefined, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      // A response cut off half-way is a failure, never a (partial) answer.
      res.on('error', (err) => reject(new Error('lost the answer of ' + url + ' (' + (err.code || err.message) + ')')));
      res.on('close', () => { if (!res.complete) reject(new Error('lost the answer of ' + url + ' (connection closed before the end)')); });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(new Error('cannot reach ' + url + ' (' + (err.code || err.message) + ')')));
    if (body) req.write(body);
    req.end();
  });
}

const parseJson = (what, text) => {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(what + ': not JSON: ' + text.trim().slice(0, 100));
  }
};

/**
 * Axon Server's REST API. options: method, body, optional (undefined for 404), raw (the text,
 * not JSON), base (another server than AXONSERVER_URL).
 */
async function axon(path, options) {
  const o = options || {};
  const url = String(o.base || env.AXONSERVER_URL || '').replace(/\/+$/, '') + path;
  const headers = {};
  if (env.GATE_TOKEN_FILE) headers['AxonIQ-Access-Token'] = readFile(env.GATE_TOKEN_FILE);
  const res = await request(url, { method: o.method, headers: headers, body: o.body, caFile: env.AXONSERVER_CA_FILE });
  if (res.status === 401 || res.status === 403) {
    throw new Fatal(path + ': HTTP ' + res.status + ' ' + res.text.trim().slice(0, 200) + ': the token was refused; check the Secret the Job mounts (the system token, with ADMIN rights)');
  }
  if (res.status === 404 && o.optional) return undefined;
  if (res.status < 200 || res.status > 299) throw new Error(path + ': HTTP ' + res.status + ' ' + res.text.trim().slice(0, 200));
  return o.raw ? res.text : parseJson(path, res.text);
}

function finish(code, message) {
  (code === 0 ? console.log : console.error)(message);
  try { fs.writeFileSync('/dev/termination-log', message); } catch (err) { /* not in a pod */ }
  process.exit(code);
}

/** Runs step() until it returns nothing to wait for; finishes with label passed or failed. */
async function retry(label, step, passedMessage) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let waiting = [];
  for (;;) {
    try {
      waiting = await step();
      if (waiting.length === 0) return finish(0, label + ' passed: ' + passedMessage);
    } catch (err) {
      if (err instanceof Fatal) return finish(1, label + ' failed: ' + err.message);
      waiting = [err.message];
    }
    console.log('waiting: ' + waiting.join('; '));
    if (Date.now() + intervalMs > deadline) {
      return finish(1, label + ' failed after ' + timeoutSeconds + ' s: ' + waiting.join('; '));
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
`;
