/**
 * Registration: a Job, after the last node of the cluster, that registers every app's token with
 * its roles in its context, and the configured users, through Axon Server's REST API (the
 * Enterprise admin API behind the UI and axonserver-cli):
 *
 *   POST /v1/applications  { name, description, token, roles: [{ context, roles: [...] }] }
 *   POST /v1/users         { userName, password, roles: ["ROLE@context", ...] }
 *
 * Both create or update, so every sync may run it again. Tokens and passwords are read from the
 * Secrets mounted as files and never printed. axonserver-cli refuses tokens under 16 characters;
 * so does this Job, naming the Secret. Field names from axonserver-cli's Application and
 * ApplicationContext JSON and Axon Server's UserRestController.
 *
 *   REGISTER_APPS   JSON [{ name, context, roles, tokenFile, tokenSecret }]
 *   REGISTER_USERS  JSON [{ userName, roles, passwordFile, passwordSecret }]
 */
import { JOB_PRELUDE } from './prelude';

export const REGISTER_SCRIPT_FILE = 'register.js';

export const REGISTER_SCRIPT =
  JOB_PRELUDE +
  String.raw`
// axon-deploy registration of apps and users (see the axon-deploy README, "Registering apps and users").
const MIN_TOKEN_LENGTH = 16;
const apps = JSON.parse(env.REGISTER_APPS || '[]');
const users = JSON.parse(env.REGISTER_USERS || '[]');
const done = new Set();

function secretValue(file, secret, what) {
  let value;
  try {
    value = readFile(file);
  } catch (err) {
    throw new Fatal('cannot read ' + what + ' from Secret ' + secret + ' (' + (err.code || err.message) + ')');
  }
  if (value === '') throw new Fatal(what + ' in Secret ' + secret + ' is empty');
  return value;
}

async function register() {
  // The cluster answers once its admin nodes have formed it.
  await axon('/v1/public/me');
  for (const app of apps) {
    if (done.has('app ' + app.name)) continue;
    const token = secretValue(app.tokenFile, app.tokenSecret, 'the token of ' + app.name);
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new Fatal('the token of ' + app.name + ' in Secret ' + app.tokenSecret + ' has ' + token.length + ' characters; Axon Server tokens need at least ' + MIN_TOKEN_LENGTH);
    }
    await axon('/v1/applications', {
      method: 'POST', raw: true,
      body: { name: app.name, description: 'registered by axon-deploy', token: token, roles: [{ context: app.context, roles: app.roles }] },
    });
    done.add('app ' + app.name);
    console.log('registered app ' + app.name + ' in context ' + app.context + ' (' + app.roles.join(', ') + ')');
  }
  for (const user of users) {
    if (done.has('user ' + user.userName)) continue;
    const password = secretValue(user.passwordFile, user.passwordSecret, 'the password of ' + user.userName);
    await axon('/v1/users', { method: 'POST', raw: true, body: { userName: user.userName, password: password, roles: user.roles } });
    done.add('user ' + user.userName);
    console.log('registered user ' + user.userName + ' (' + user.roles.join(', ') + ')');
  }
  return [];
}

retry('registration', register, apps.length + ' apps and ' + users.length + ' users registered');
`;
