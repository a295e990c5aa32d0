/**
 * Registration of apps and users with Axon Server (Enterprise, access control on): what the
 * rollout controller registers, and again whenever a Secret or a role changes. Each app's token
 * from its `tokenSecret`, with its `axonServerRoles` in its context; each user with the password
 * from its Secret; and the controller's own token, with USE_CONTEXT — the least role that lists
 * event processors (GET_EVENT_PROCESSORS: ADMIN, CONTEXT_ADMIN or USE_CONTEXT, per the access
 * control matrix; MONITOR does not) — on each context of a blue/green app, for the questions that
 * are authorised against a role on that context (4.4 code: ADMIN@_admin alone may get 403).
 */
import type { AppConfig, AxonServerConfig } from '../config/schema';
import type { RegistrationSpec, SecretKeyRef } from '../controller/api';
import { ADMIN_GROUP } from '../domain/roles';
import type { Issues } from './issues';
import type { SecretRegistry } from './secrets';

/** The name the controller registers its own token under. */
export const CONTROLLER_APPLICATION = 'axon-deploy-controller';

export interface RegistrationInput {
  readonly config: AxonServerConfig;
  readonly apps: readonly AppConfig[];
  readonly contexts: ReadonlySet<string>;
  readonly issues: Issues;
  readonly secrets: SecretRegistry;
}

export function registrationPlan(input: RegistrationInput): RegistrationSpec | undefined {
  const { config, issues } = input;
  const reg = config.registration;
  const ac = config.accessControl;
  if (!ac.enabled || !reg.enabled || !ac.systemTokenSecret) {
    if (reg.users.length > 0 && !ac.enabled) {
      issues.warn(
        ['axonServer', 'registration', 'users'],
        'users are registered only with access control (accessControl.enabled: true)',
      );
    }
    return undefined;
  }
  if (config.edition === 'standard') {
    if (reg.users.length > 0) {
      issues.error(
        ['axonServer', 'registration', 'users'],
        'standard edition has no user or application API: register users in its UI, or use edition: enterprise',
      );
    }
    return undefined;
  }
  checkUserContexts(input);
  const secret = (ref: SecretKeyRef, usedBy: string): SecretKeyRef => (input.secrets.add(ref, usedBy), ref);
  const apps = input.apps
    .filter((a) => a.tokenSecret)
    .map((a) => ({
      name: a.name,
      roles: [{ context: a.context, roles: [...new Set(a.axonServerRoles)].sort() }],
      token: secret({ name: a.tokenSecret!, key: a.tokenSecretKey }, `${a.name} (registered by the controller)`),
    }));
  const controller = controllerApplication(input, secret);
  return {
    apps: [...apps, ...(controller ? [controller] : [])],
    users: reg.users.map((u) => ({
      userName: u.userName,
      roles: [...u.roles],
      password: secret(
        { name: u.passwordSecret, key: u.passwordKey },
        `user ${u.userName} (registered by the controller)`,
      ),
    })),
  };
}

/** The controller's own token, with USE_CONTEXT on each blue/green app's context. */
function controllerApplication(
  input: RegistrationInput,
  secret: (ref: SecretKeyRef, usedBy: string) => SecretKeyRef,
): RegistrationSpec['apps'][number] | undefined {
  const ac = input.config.accessControl;
  const contexts = [
    ...new Set(input.apps.filter((a) => a.release.strategy === 'blueGreen').map((a) => a.context)),
  ].sort();
  if (contexts.length === 0) return undefined;
  if (!ac.controllerTokenSecret) {
    input.issues.error(
      ['axonServer', 'accessControl', 'controllerTokenSecret'],
      `required with access control and blue/green apps: the controller reads their processors and subscriptions in ${contexts.join(', ')} with a token of its own (USE_CONTEXT there), which it registers; reference a Secret with a random token of at least 16 characters`,
    );
    return undefined;
  }
  return {
    name: CONTROLLER_APPLICATION,
    roles: contexts.map((context) => ({ context, roles: ['USE_CONTEXT'] })),
    token: secret(
      { name: ac.controllerTokenSecret, key: ac.controllerTokenKey },
      'the rollout controller (its own token)',
    ),
  };
}

function checkUserContexts(input: RegistrationInput): void {
  input.config.registration.users.forEach((u, i) =>
    u.roles.forEach((r, j) => {
      const context = r.slice(r.indexOf('@') + 1);
      if (context !== ADMIN_GROUP && !input.contexts.has(context)) {
        input.issues.error(
          ['axonServer', 'registration', 'users', i, 'roles', j],
          `no replication group stores context "${context}"; contexts: ${[ADMIN_GROUP, ...input.contexts].join(', ')}`,
        );
      }
    }),
  );
}
