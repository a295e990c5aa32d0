/**
 * A kubeconfig's connection: server, CA, client certificate, bearer token or token file, or an
 * exec credential plugin (gke-gcloud-auth-plugin, aws, kubelogin; the
 * client.authentication.k8s.io ExecCredential protocol). For `axon-deploy status` and the
 * rehearsals; the in-cluster controller never reads one.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { asArray, asObject, asString, isObject, valueAt } from '../validate/json-view';
import type { KubeConnection } from './config';

/** The connection of a kubeconfig's current (or named) context. */
export function kubeconfigConnection(file: string, contextName?: string): KubeConnection {
  const dir = path.dirname(file);
  const config = asObject(parse(fs.readFileSync(file, 'utf8')));
  const named = (list: string, name: string | undefined) =>
    asArray(config[list])
      .filter(isObject)
      .find((e) => e.name === name);
  const contextKey = contextName ?? asString(config['current-context']);
  const context = asObject(named('contexts', contextKey)?.context);
  if (contextKey === undefined || Object.keys(context).length === 0) {
    throw new Error(`${file}: no context ${contextKey ?? '(current-context is not set)'}`);
  }
  const cluster = asObject(named('clusters', asString(context.cluster))?.cluster);
  const user = asObject(named('users', asString(context.user))?.user);
  const server = asString(cluster.server);
  if (!server) throw new Error(`${file}: the cluster of context ${contextKey} has no server`);
  const data = (inline: unknown, fileRef: unknown): Buffer | undefined => {
    if (typeof inline === 'string') return Buffer.from(inline, 'base64');
    if (typeof fileRef === 'string') return fs.readFileSync(path.resolve(dir, fileRef));
    return undefined;
  };
  return {
    server,
    ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    clientCert: data(user['client-certificate-data'], user['client-certificate']),
    clientKey: data(user['client-key-data'], user['client-key']),
    token: userToken(user, dir),
    namespace: asString(context.namespace),
  };
}

/** A static token, a token file, or an exec plugin's token (cached until it expires). */
function userToken(user: Readonly<Record<string, unknown>>, dir: string): (() => string | undefined) | undefined {
  const token = asString(user.token);
  if (token) return () => token;
  const tokenFile = asString(user.tokenFile);
  if (tokenFile) return () => fs.readFileSync(path.resolve(dir, tokenFile), 'utf8').trim();
  const exec = asObject(user.exec);
  const command = asString(exec.command);
  if (!command) return undefined;
  let cached: { token: string; expires: number } | undefined;
  return () => {
    if (cached && cached.expires > Date.now() + 60_000) return cached.token;
    const env = Object.fromEntries(
      asArray(exec.env)
        .filter(isObject)
        .map((e) => [asString(e.name) ?? '', asString(e.value) ?? '']),
    );
    const out = execFileSync(command, asArray(exec.args).map(String), {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const status = asObject(valueAt(JSON.parse(out), 'status'));
    const value = asString(status.token);
    if (!value) throw new Error(`the kubeconfig's exec plugin ${command} returned no token`);
    const expiry = asString(status.expirationTimestamp);
    cached = { token: value, expires: expiry ? Date.parse(expiry) : Date.now() + 5 * 60_000 };
    return value;
  };
}
