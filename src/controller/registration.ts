/**
 * Registers apps, users and the controller's own token with Axon Server (Enterprise), through an
 * `_admin` node: `POST /v1/applications` {name, description, token, roles[{context, roles[]}]} and
 * `POST /v1/users` {userName, password, roles["ROLE@context"]} (both create or update; field names
 * from axonserver-cli's Application and ApplicationContext and Axon Server's UserRestController).
 * Again whenever a Secret's value or a role changes (a keyed digest in the status says what was
 * registered, without the values), and every ten minutes in case Axon Server lost it.
 * axonserver-cli refuses tokens under 16 characters; so does the controller, naming the Secret.
 */
import { createHmac } from 'node:crypto';
import { RESOURCES } from '../kube/client';
import type { AxonClient } from '../axon/client';
import type { NodeRollout, RegistrationSpec } from './api';
import type { ControllerContext } from './context';
import { readSecret } from './secrets';

const MIN_TOKEN_LENGTH = 16;
const AGAIN_AFTER_MS = 10 * 60_000;

interface Resolved {
  readonly apps: { name: string; roles: RegistrationSpec['apps'][number]['roles']; token: string }[];
  readonly users: { userName: string; roles: readonly string[]; password: string }[];
}

/** Registers what the spec says when it changed (or long ago); returns a problem or undefined. */
export async function register(
  ctx: ControllerContext,
  rollout: NodeRollout,
  client: AxonClient,
  adminNode: string,
): Promise<void> {
  const spec = rollout.spec.registration;
  if (!spec) return;
  let resolved: Resolved;
  try {
    resolved = await resolve(ctx, spec);
  } catch (err) {
    await record(ctx, rollout, rollout.status?.registration?.digest ?? '', (err as Error).message);
    return;
  }
  const digest = createHmac('sha256', rollout.metadata.uid ?? 'axon-deploy')
    .update(JSON.stringify(resolved))
    .digest('hex');
  const last = rollout.status?.registration;
  if (last?.digest === digest && !last.problem && ctx.now() - Date.parse(last.at) < AGAIN_AFTER_MS) return;
  const problems: string[] = [];
  for (const app of resolved.apps) {
    const body = { name: app.name, description: 'registered by axon-deploy', token: app.token, roles: app.roles };
    const answer = await client.post(adminNode, 'http', '/v1/applications', body);
    if (!answer.ok) problems.push(`application ${app.name}: ${answer.problem}`);
  }
  for (const user of resolved.users) {
    const body = { userName: user.userName, password: user.password, roles: user.roles };
    const answer = await client.post(adminNode, 'http', '/v1/users', body);
    if (!answer.ok) problems.push(`user ${user.userName}: ${answer.problem}`);
  }
  await record(ctx, rollout, digest, problems.length > 0 ? problems.join('; ') : undefined);
  if (problems.length === 0) {
    ctx.log(`registered ${resolved.apps.length} applications and ${resolved.users.length} users with Axon Server`);
  }
}

async function resolve(ctx: ControllerContext, spec: RegistrationSpec): Promise<Resolved> {
  const apps = [];
  for (const app of spec.apps) {
    const token = await readSecret(ctx, app.token);
    if (!token) throw new Error(`the token of ${app.name} is missing: Secret ${app.token.name}, key ${app.token.key}`);
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new Error(
        `the token of ${app.name} in Secret ${app.token.name} has ${token.length} characters; Axon Server tokens need at least ${MIN_TOKEN_LENGTH}`,
      );
    }
    apps.push({ name: app.name, roles: app.roles, token });
  }
  const users = [];
  for (const user of spec.users) {
    const password = await readSecret(ctx, user.password);
    if (!password)
      throw new Error(
        `the password of ${user.userName} is missing: Secret ${user.password.name}, key ${user.password.key}`,
      );
    users.push({ userName: user.userName, roles: user.roles, password });
  }
  return { apps, users };
}

async function record(ctx: ControllerContext, rollout: NodeRollout, digest: string, problem?: string): Promise<void> {
  // null removes an earlier problem (JSON merge patch).
  const registration = { digest, at: new Date(ctx.now()).toISOString(), problem: problem ?? null };
  if (problem) ctx.log(`registration: ${problem}`);
  await ctx.kube.patch(
    RESOURCES.nodeRollouts,
    ctx.namespace,
    rollout.metadata.name,
    { status: { registration } },
    'merge',
    'status',
  );
}
