/**
 * Semantic review rules: compare the models of two snapshots of one environment. Phases,
 * releases, replication groups and roles, where the environment goes, which Secrets it needs —
 * read from the model, never re-derived from rendered objects. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { ALLOWED_TRANSITIONS, COLORS, isRunning, PHASE_ORDER_TEXT } from '../domain/phases';
import { CLI_ROLE_FLAGS, CliArg, secretAtPrompt } from '../domain/axon-cli';
import { isVoting, ROLES } from '../domain/roles';
import { colorDeployment, NODE_SELECTOR } from '../domain/names';
import type { AppModel, BlueGreenAppModel, EnvironmentModel, ReplicationGroupModel } from '../model/types';
import type { Add } from './findings';
import { cliFor, cliPreparation } from './runbook';
import type { EnvSnapshot } from './snapshot';

/** An environment moved to another namespace or cluster: Argo CD would build it anew, empty. */
export function environmentMoves(env: string, base: EnvironmentModel, head: EnvironmentModel, add: Add): void {
  if (base.namespace !== head.namespace) {
    add(
      'blocker',
      'environment-moved',
      `environment/${env}`,
      `moves ${env} from namespace ${base.namespace} to ${head.namespace}`,
      [
        `Argo CD would create every object anew in ${head.namespace} — Axon Server nodes with new, empty event stores — while the StatefulSets in ${base.namespace} keep running unmanaged (they are never pruned). Apps would connect to the empty cluster.`,
        'To move an environment on purpose: create the new one beside the old one (a new environment file), move the data (Axon Server backup and restore, or a new node joining the old cluster), switch clients over, then remove the old environment.',
        `Secrets are namespaced: ${head.namespace} needs its own copies of ${head.secrets.map((x) => x.name).join(', ') || 'none'} before the sync.`,
      ],
    );
  }
  const from = base.argocd?.destination;
  const to = head.argocd?.destination;
  if (
    from &&
    to &&
    base.argocd &&
    head.argocd &&
    !isDeepStrictEqual({ ...from, namespace: undefined }, { ...to, namespace: undefined })
  ) {
    const where = (d: typeof from) =>
      d.name ? `cluster ${d.name}` : `server ${d.server ?? 'https://kubernetes.default.svc'}`;
    add(
      'blocker',
      'environment-moved',
      `argocd/${env}`,
      `changes the Argo CD destination of ${env} (${where(from)} → ${where(to)})`,
      [
        'Argo CD would deploy the environment anew at the new destination, with empty event stores, and leave the old one running unmanaged. Move an environment as a new environment beside the old one.',
      ],
    );
  }
}

/** An environment that leaves config/: Argo CD stops managing it, but its workloads keep running. */
export function environmentRemoved(env: string, base: EnvSnapshot, add: Add): void {
  const m = base.model;
  const namespace =
    m?.namespace ?? [...base.objects.values()].find((o) => o.metadata.namespace)?.metadata.namespace ?? '<namespace>';
  const nodes = [...base.objects.values()].filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name);
  const classes = [...base.objects.values()].filter((o) => o.kind === 'StorageClass').map((o) => o.metadata.name);
  const apps = m?.argocd?.applications.map((a) => a.name) ?? [];
  add(
    'warning',
    'environment-removed',
    `environment/${env}`,
    `removes environment ${env}: its workloads keep running in ${namespace}, no longer managed`,
    [
      `${apps.length > 0 ? `The Applications ${apps.join(', ')} leave dist/argocd/; an app-of-apps that prunes deletes them, and without a resources finalizer that leaves everything they synced running.` : 'Nothing syncs this environment any more, and nothing it created is deleted.'} The Axon Server nodes (${nodes.join(', ') || 'none'}) are protected and never pruned.`,
      'To remove it on purpose, after the merge:',
      `1. Stop the apps: \`kubectl -n ${namespace} delete deployment,service,job,poddisruptionbudget -l app.kubernetes.io/managed-by=axon-deploy,app.kubernetes.io/component=app\`.`,
      `2. Remove each node as \`statefulset-removed\` describes (StatefulSets, Services, claims, released volumes and their disks): \`kubectl -n ${namespace} delete statefulset,service,configmap,networkpolicy,poddisruptionbudget,job -l app.kubernetes.io/managed-by=axon-deploy\`, then \`kubectl -n ${namespace} delete pvc --all\` once the event stores are no longer needed.`,
      ...(classes.length > 0
        ? [
            `3. Delete the StorageClasses when no other environment uses them: \`kubectl delete storageclass ${classes.join(' ')}\`.`,
          ]
        : []),
      `${classes.length > 0 ? 4 : 3}. Delete the namespace \`${namespace}\` and the Secrets in it, and the released PersistentVolumes with their disks.`,
    ],
  );
}

/** Turning access control off opens the cluster to every client that can reach it. */
export function accessControlChanges(base: EnvironmentModel, head: EnvironmentModel, add: Add): void {
  if (base.axonServer.accessControl && !head.axonServer.accessControl) {
    add(
      'blocker',
      'access-control-off',
      'axonserver/access-control',
      'turns Axon Server access control off: any client that reaches the nodes can then read and write every context, and the admin REST API needs no token',
      [
        'If this is on purpose (e.g. a throwaway environment), acknowledge it. The nodes restart one by one with the new setting; the tokens in the Secrets stay but are no longer checked.',
      ],
    );
  }
}

/**
 * TLS on or off: every node and every client must switch together (Axon Server's ssl.enabled
 * covers client and node-to-node traffic at once), which a rolling sync cannot do.
 */
export function tlsChanges(base: EnvironmentModel, head: EnvironmentModel, add: Add): void {
  const was = base.axonServer.tls;
  const now = head.axonServer.tls;
  if (!was === !now && (was?.http ?? false) === (now?.http ?? false)) return;
  const what =
    !was && now
      ? 'turns TLS on'
      : was && !now
        ? 'turns TLS off'
        : now?.http
          ? 'turns HTTPS on for 8024'
          : 'turns HTTPS off for 8024';
  add(
    'blocker',
    'tls-toggle',
    'axonserver/tls',
    `${what} in place: nodes restarted one by one cannot talk to the nodes not restarted yet, and apps switch when their pods restart`,
    [
      `${!now ? 'Turning TLS off sends tokens and events in clear text; acknowledge it only for a throwaway environment. ' : ''}Switch all nodes at once, in a maintenance window: (1) in the same change set, set axonServer.rollout.paused: true (the rollout controller then restarts no running node); (2) suspend automated sync of the apps Application; (3) merge and let Argo CD apply the Axon Server Application (the StatefulSets are OnDelete: nothing restarts yet); (4) restart every node at once: \`kubectl -n ${head.namespace} delete pod -l ${NODE_SELECTOR}\` (the controller lets each start at once: they are all down); (5) when every node is back in its groups (\`kubectl -n ${head.namespace} get noderollout\`), sync the apps Application (their pods restart with the new setting); (6) set paused back to false in a change of its own and resume automated sync. With cert-manager the Certificates come first (wave 0), so the Secrets exist before any node starts.`,
    ],
  );
}

/** Patches are the config's escape hatch: each new or changed one is shown with its reason. */
export function patchChanges(base: EnvironmentModel | undefined, head: EnvironmentModel, add: Add): void {
  const had = new Set((base?.patches ?? []).map((p) => JSON.stringify([p.target, p.ops])));
  for (const p of head.patches) {
    if (had.has(JSON.stringify([p.target, p.ops]))) continue;
    add(
      'warning',
      'json-patch',
      `${p.target.kind.toLowerCase()}/${p.target.name}`,
      `patches ${p.target.kind} ${p.target.name}: ${p.why}`,
      [
        '```json',
        JSON.stringify(p.ops),
        '```',
        'A patch changes what axon-deploy renders behind its back: check that the field is right for the live object, and ask for it in axon-deploy if it is lasting.',
      ],
    );
  }
}

/**
 * The licence Secret changes (a renewal or a new edition): the file AXONIQ_LICENSE names wins over
 * an uploaded licence, so a renewal is a Secret change (Enterprise LicenseManager, 4.4 code).
 */
export function licenceChanges(base: EnvironmentModel | undefined, head: EnvironmentModel, add: Add): void {
  const was = base?.axonServer.license;
  const now = head.axonServer.license;
  if (!now || (was && was.name === now.name && was.key === now.key)) return;
  add(
    'warning',
    'licence-secret',
    'axonserver/licence',
    was
      ? `the licence now comes from Secret ${now.name} (key ${now.key}), not ${was.name} (key ${was.key})`
      : `Axon Server reads its licence from Secret ${now.name} (key ${now.key})`,
    [
      `The file \`AXONIQ_LICENSE\` names wins over a licence uploaded in the UI, and uploads are refused while it is set: renew a licence by replacing the content of Secret \`${now.name}\` (\`kubectl -n ${head.namespace} create secret generic ${now.name} --from-file=${now.key}=<new licence file> --dry-run=client -o yaml | kubectl apply -f -\`), never by an upload, which the next restart would undo. The Secret must exist before the sync.`,
    ],
  );
}

/** An environment without scheduled backups: said when it appears or when backups are turned off. */
export function backupChanges(base: EnvironmentModel | undefined, head: EnvironmentModel, add: Add): void {
  if (head.axonServer.backup || (base && !base.axonServer.backup)) return;
  add(
    'warning',
    'no-backup',
    'axonserver/backup',
    base ? 'turns the scheduled backups of Axon Server off' : `${head.name} has no scheduled backup of Axon Server`,
    [
      'Without backups a lost volume, a bad upgrade or an operator mistake loses events for good (replication does not help against the last two). Set axonServer.backup (a CronJob: control-DB backups through the REST API, then VolumeSnapshots of every node); acknowledge for an environment you can rebuild.',
    ],
  );
}

/** Secrets the head references that the base did not: they must exist before the sync. */
export function newSecrets(base: EnvironmentModel | undefined, head: EnvironmentModel, add: Add): void {
  const had = new Set((base?.secrets ?? []).flatMap((s) => s.keys.map((k) => `${s.name}\0${k}`)));
  for (const s of head.secrets) {
    const keys = s.keys.filter((k) => !had.has(`${s.name}\0${k}`));
    if (keys.length === 0) continue;
    add(
      'warning',
      'new-secret',
      `secret/${s.name}`,
      `reads Secret ${s.name} (${keys.map((k) => `key ${k}`).join(', ')}), for ${s.usedBy.join('; ')}: create it in ${head.namespace} before the sync`,
      [
        `axon-deploy never renders Secrets. Without it the pods that read it do not start. For example: \`kubectl -n ${head.namespace} create secret generic ${s.name} ${keys.map((k) => `--from-literal=${k}=…`).join(' ')}\` (or from your secret manager).`,
      ],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Releases

/** Checks every app's release; returns the phase changes, one line per colour. */
/**
 * Where a release stands once the rollout controller has walked it (autoPromote): the colour
 * declared INITIALISING serves, the one declared SERVING is OBSOLETE. The next change is read
 * against that, not against what Git still says.
 */
function walked(app: BlueGreenAppModel): BlueGreenAppModel {
  if (!app.release.spec.autoPromote) return app;
  const incoming = app.colors.find((c) => c.phase === 'INITIALISING');
  const outgoing = app.colors.find((c) => c.phase === 'SERVING');
  if (!incoming || !outgoing) return app;
  return {
    ...app,
    liveColor: incoming.color,
    colors: app.colors.map((c) =>
      c === incoming ? { ...c, phase: 'SERVING' } : c === outgoing ? { ...c, phase: 'OBSOLETE' } : c,
    ),
  };
}

export function releaseChanges(base: EnvironmentModel, head: EnvironmentModel, add: Add): string[] {
  const lines: string[] = [];
  const baseApps = new Map(base.apps.map((a) => [a.name, a]));
  const headApps = new Map(head.apps.map((a) => [a.name, a]));
  for (const [name, b] of baseApps) {
    if (!headApps.has(name) && isLive(b)) {
      add('blocker', 'serving-removed', `app/${name}`, `removes app ${name}, which is live`, [
        'Its live Service and Deployments are pruned and its clients lose it. To retire the app on purpose, stop its clients first, then merge with this rule allowed.',
      ]);
    }
  }
  for (const [name, h] of headApps) {
    const b = baseApps.get(name);
    if (!b) {
      // A new app: nothing live to protect, but Axon Server must know its token.
      if (h.token && !head.axonServer.registration) {
        add(
          'warning',
          'app-token',
          `app/${name}`,
          `new app ${name} connects with the token in Secret ${h.token.name}: register it with Axon Server`,
          [
            `Axon Server accepts only registered application tokens, and this environment has no registration Job (axonServer.registration needs access control and enterprise). Before the first sync: ${cliFor(
              head,
            )('register-application', [
              ['-a', name],
              ['-r', h.axonServerRoles.map((r) => `${r}@${h.context}`).join(',')],
              ['-T', secretAtPrompt(head.namespace, h.token)],
            ])}.`,
            ...cliPreparation(head),
          ],
        );
      }
      if (h.strategy === 'blueGreen' && h.hasReadModel && !h.sideEffects) undeclaredSideEffects(h, 'new', add);
      continue;
    }
    // Asked when it matters: when a release starts a second colour on the same events.
    const colorsOf = (m: AppModel) => (m.strategy === 'blueGreen' ? m.colors : []);
    const starts = colorsOf(h).some(
      (c) => c.phase === 'INITIALISING' && colorsOf(b).find((x) => x.color === c.color)?.phase !== 'INITIALISING',
    );
    if (h.strategy === 'blueGreen' && h.hasReadModel && !h.sideEffects && starts) {
      undeclaredSideEffects(h, 'release', add);
    }
    unseededSideEffects(b, h, add);
    if (b.strategy !== h.strategy) {
      strategyChange(b, h, add);
      continue;
    }
    if (h.strategy === 'rolling' || b.strategy === 'rolling') continue;
    const was = walked(b);
    colorTransitions(was, h, add);
    for (const c of h.colors) {
      const from = was.colors.find((x) => x.color === c.color)!;
      if (from.phase !== c.phase || from.version !== c.version) {
        lines.push(
          `${name}-${c.color}: ${from.phase} → ${c.phase}${from.version !== c.version ? ` (version ${from.version} → ${c.version})` : ` (${c.version})`}`,
        );
      }
    }
  }
  return lines;
}

const isLive = (app: AppModel) => app.strategy === 'rolling' || app.liveColor !== undefined;

/** A blue/green app with a read model that says nothing about side effects, when it is new or starts a release. */
function undeclaredSideEffects(h: AppModel, when: 'new' | 'release', add: Add): void {
  add(
    'warning',
    'side-effects-undeclared',
    `app/${h.name}`,
    when === 'new'
      ? `${h.name} is released blue/green with a read model but declares no side-effect processing groups`
      : `${h.name} starts a second colour on the same events but declares no side-effect processing groups`,
    [
      'Every colour replays its own processors; a processor that sends e-mails, calls out or issues commands would do it again in each new colour, or in both colours at once. Declare them in `sideEffects.processingGroups` (they then keep one name and one shared store for their tokens, sagas and dead letters), or declare `sideEffects: { processingGroups: [] }` to say there are none.',
      ...(when === 'new'
        ? [
            'Declare them now, while nothing is live: declared later, the shared store must be seeded from the live colour (`sideEffects.seed`).',
          ]
        : []),
    ],
  );
}

/**
 * Side-effect groups newly declared for an app that is live (or an app adopted into blueGreen):
 * the groups move to the shared store, which is empty, so without a seed they would start from
 * the tail and replay all history into e-mails and payments.
 */
function unseededSideEffects(b: AppModel, h: AppModel, add: Add): void {
  if (!isLive(b) || !h.sideEffects) return;
  const had = new Set(b.sideEffects?.processingGroups ?? []);
  // Groups the live app kept in its own store until now (also when a rolling app is adopted).
  const moving = h.sideEffects.processingGroups.filter((g) => !had.has(g));
  const adopted = b.strategy === 'rolling' && h.strategy === 'blueGreen';
  if (moving.length === 0) return;
  const groups = moving.join(', ');
  const seed = h.sideEffects.seed;
  if (seed === 'copyLive') {
    add(
      'warning',
      'side-effects-unseeded',
      `app/${h.name}`,
      `seeds the shared store of ${groups} from the live processors before the change rolls out (Job ${h.name}-side-effects-seed, PreSync)`,
      [
        'The Job copies their tokens (renamed to the shared processor names, claims released), the sagas and their dead letters; a processor the store already has is left alone. While the live pods restart, old and new pods may both handle the events after the copy: delivery is at least once, the handlers must be idempotent.',
      ],
    );
    return;
  }
  if (seed === 'startAtHead') {
    add(
      'warning',
      'side-effects-unseeded',
      `app/${h.name}`,
      `${groups} start at the newest event in the shared store: events published before the change reach none of their handlers`,
      [
        "No e-mail, payment or saga step happens for events between the live processors' last position and the change; in-flight sagas stay behind in the colour's own database. Use `seed: copyLive` to continue where the live processors are.",
      ],
    );
    return;
  }
  add(
    'blocker',
    'side-effects-unseeded',
    `app/${h.name}`,
    `${adopted ? 'adopts' : 'declares'} side-effect processing groups (${groups}) for ${h.name}, which is live, without seeding their shared store: they would replay all history into their side effects`,
    [
      "The groups move to the shared store, which holds no token for them: a streaming processor without a token starts at the tail of the event store (Axon Framework's default) and handles every past event again — every e-mail, every payment. Say how the store starts: `sideEffects.seed: copyLive` (a Job copies the live processors' tokens, sagas and dead letters into it before the change rolls out) or `sideEffects.seed: startAtHead` (the groups begin at the newest event; what happened before gets no side effect).",
    ],
  );
}

/** Where an app's live processors and read model are: the rolling Deployment's, or the SERVING colour's. */
function liveStorage(app: AppModel): { processorSuffix: string; database?: string } | undefined {
  if (app.strategy === 'rolling') return app.storage;
  const live = app.colors.find((c) => c.color === app.liveColor);
  return live ? { processorSuffix: live.processorSuffix, database: live.database } : undefined;
}

/**
 * A move between rolling and blueGreen is safe only when what goes live continues with the
 * processors and database of what was live (declared with `adopt`); anything else replays
 * from zero, with an empty read model, in the version that takes the traffic.
 */
function strategyChange(b: AppModel, h: AppModel, add: Add): void {
  const was = liveStorage(b);
  const now = liveStorage(h);
  const same = was && now && was.processorSuffix === now.processorSuffix && was.database === now.database;
  const describe = (s: typeof was) =>
    s
      ? `processors${s.processorSuffix ? ` ending in ${s.processorSuffix}` : ' without suffix'}${s.database ? `, database ${s.database}` : ''}`
      : 'nothing live';
  if (same) {
    add(
      'warning',
      'strategy-change',
      `app/${h.name}`,
      `switches ${h.name} from ${b.strategy} to ${h.strategy}, continuing with its ${describe(now)}`,
      [
        `The ${b.strategy} objects are pruned after the ${h.strategy} ones are healthy (PruneLast). Keep \`adopt\` while that colour runs.`,
      ],
    );
    return;
  }
  const procedure =
    h.strategy === 'blueGreen'
      ? "Declare `release.adopt: blue` (or green) and make that colour SERVING with the version that runs now: it continues with the rolling app's processors (no suffix) and database, nothing replays; release the next version in the other colour as usual."
      : "Set `release.adopt: <the SERVING colour>` on the rolling release: the rolling Deployment then continues with that colour's processors and database, nothing replays.";
  add(
    'blocker',
    'strategy-change',
    `app/${h.name}`,
    `switches ${h.name} from ${b.strategy} to ${h.strategy} without continuing its processors and database: what goes live (${describe(now)}) replays from zero, while ${describe(was)} were live`,
    [procedure],
  );
}

function colorTransitions(b: BlueGreenAppModel, h: BlueGreenAppModel, add: Add): void {
  const app = h.name;
  const colorOf = (m: BlueGreenAppModel, c: string) => m.colors.find((x) => x.color === c)!;
  if (b.liveColor && !h.liveColor) {
    add(
      'blocker',
      'serving-removed',
      `app/${app}`,
      `leaves ${app} without a SERVING colour (${b.liveColor} was SERVING): nothing is live`,
      [
        'Promote the other colour in the same change (it must be INITIALISING or STANDING_BY), or allow this rule to take the app offline on purpose.',
      ],
    );
  }
  for (const color of COLORS) {
    const from = colorOf(b, color);
    const to = colorOf(h, color);
    const deployment = colorDeployment(app, color);
    const object = `app/${deployment}`;
    if (to.phase === 'SERVING' && from.phase !== 'SERVING') promotion(b, h, color, add);
    if (from.phase !== to.phase && !ALLOWED_TRANSITIONS[from.phase].includes(to.phase)) {
      if (to.phase === 'SERVING') {
        add(
          'blocker',
          'phase-transition',
          object,
          `${deployment}: ${from.phase} → SERVING; only an INITIALISING or STANDING_BY colour may become SERVING`,
          [
            'A colour must run and catch up (INITIALISING) before it takes live traffic. Make it INITIALISING first, promote it in a later change.',
          ],
        );
      } else {
        const reason =
          from.phase === 'SERVING' && to.phase === 'CLEANING_UP'
            ? 'the live colour would be deleted and its database dropped; demote it to STANDING_BY first (another colour becomes SERVING), clean it up in a later change'
            : `allowed from ${from.phase}: ${ALLOWED_TRANSITIONS[from.phase].join(', ')}`;
        add('blocker', 'phase-transition', object, `${deployment}: ${from.phase} → ${to.phase} is not allowed`, [
          `${reason}. The phase order is ${PHASE_ORDER_TEXT}.`,
        ]);
      }
    }
    if (from.version !== to.version && isRunning(from.phase) && isRunning(to.phase)) {
      if (from.phase === 'SERVING' || from.phase === 'STANDING_BY') {
        add(
          'blocker',
          'version-change-in-place',
          object,
          `${deployment}: version ${from.version} → ${to.version} while ${from.phase}`,
          [
            'This replaces the live (or rollback) version in place, without a replay into a fresh read model and without a way back. Release the new version in the other colour.',
          ],
        );
      } else {
        add(
          'warning',
          'version-change-in-place',
          object,
          `${deployment}: version ${from.version} → ${to.version} while INITIALISING`,
          [
            `The new version continues from the tokens in ${to.database ?? 'its database'}. If its read model differs, abort (CLEANING_UP, then OBSOLETE) and initialise again: the cleanup drops the database, so the colour starts from zero.`,
          ],
        );
      }
    }
    if (to.phase === 'CLEANING_UP' && from.phase !== 'CLEANING_UP') {
      add(
        'warning',
        'cleanup-drops-database',
        object,
        `${deployment} is cleaned up: the cleanup Job drops ${to.database ? `database ${to.database}` : 'its read model'}${to.processorSuffix ? ` and the tokens of processors ending in ${to.processorSuffix}` : ''}`,
        [`After this, ${color} (version ${from.version}) can no longer serve as a rollback target.`],
      );
    }
  }
}

/** A colour becoming SERVING: the controller must check its processors, and its pods must not change on the way. */
function promotion(b: BlueGreenAppModel, h: BlueGreenAppModel, color: string, add: Add): void {
  const object = `app/${h.name}-${color}`;
  if (h.processorCheck === false) {
    add(
      'blocker',
      'promotion-without-processor-check',
      object,
      `${h.name}-${color} becomes SERVING with promotion.processors off: nothing checks that its processors have caught up before the live Service switches`,
      [
        'A colour that has not finished its replay answers with a half-built read model. Turn `release.promotion.processors` back on, or acknowledge this for an app without event processors.',
      ],
    );
  }
  const before = b.deployments.find((d) => d.color === color);
  const after = h.deployments.find((d) => d.color === color);
  if (before && after && !isDeepStrictEqual(before.pod, after.pod)) {
    add(
      'blocker',
      'template-change-in-promotion',
      object,
      `${h.name}-${color} becomes SERVING and its pods change in the same change: they restart right before the live Service switches to them`,
      [
        'Change the colour while it is INITIALISING or STANDING_BY (its pods restart and catch up off the live path), then promote it in a change of its own, which restarts nothing.',
      ],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Replication groups and roles

export function groupChanges(base: EnvironmentModel, head: EnvironmentModel, add: Add): void {
  const baseGroups = new Map(base.axonServer.replicationGroups.map((g) => [g.name, g]));
  const headGroups = new Map(head.axonServer.replicationGroups.map((g) => [g.name, g]));
  const cli = cliFor(head);
  for (const name of [...new Set([...baseGroups.keys(), ...headGroups.keys()])].sort()) {
    const b = baseGroups.get(name);
    const h = headGroups.get(name);
    const votersOf = (g?: ReplicationGroupModel) =>
      new Set((g?.roles ?? []).filter((r) => isVoting(r.role)).map((r) => r.node));
    const lost = [...votersOf(b)].filter((n) => !votersOf(h).has(n));
    if (h && lost.length > 1) {
      add(
        'blocker',
        'voters-removed',
        `group/${name}`,
        `removes ${lost.length} voters from replication group ${name} at once (${lost.join(', ')})`,
        [
          'Removing voters one change at a time keeps a majority while the cluster reconfigures. Remove one voter, let the group settle, then the next.',
        ],
      );
    }
    const commands = groupCommands(b, h, cli);
    if (commands.length > 0) {
      add('warning', 'roles-changed', `group/${name}`, `changes replication group ${name}`, [
        'The cluster template is applied only on the first start of a clean cluster: a running cluster keeps its roles until you apply the change with the CLI:',
        ...cliPreparation(head),
        ...commands.map((c) => `- ${c}`),
      ]);
    }
  }
}

function groupCommands(
  b: ReplicationGroupModel | undefined,
  h: ReplicationGroupModel | undefined,
  cli: ReturnType<typeof cliFor>,
): string[] {
  const name = (h ?? b)!.name;
  const g: CliArg = ['-g', name];
  if (!b && h) {
    const byRole = (role: (typeof ROLES)[number]) => h.roles.filter((r) => r.role === role).map((r) => r.node);
    const lists = ROLES.filter((role) => byRole(role).length > 0).map((role): CliArg => [
      CLI_ROLE_FLAGS[role],
      byRole(role).join(','),
    ]);
    return [
      `new group: ${cli('register-replication-group', [g, ...lists])}`,
      ...h.contexts.map((c) => `new context: ${cli('register-context', [['-c', c], g])}`),
    ];
  }
  if (b && !h) {
    return [`group removed: ${cli('delete-replication-group', [g])} (add \`--preserve-event-store\` to keep the data)`];
  }
  const out: string[] = [];
  const oldRoles = new Map(b!.roles.map((r) => [r.node, r.role]));
  const newRoles = new Map(h!.roles.map((r) => [r.node, r.role]));
  const add = (node: string, role: string) => cli('add-node-to-replication-group', [g, ['-n', node], ['-r', role]]);
  const remove = (node: string, preserve: boolean) =>
    cli('delete-node-from-replication-group', [
      g,
      ['-n', node],
      ...(preserve ? [['--preserve-event-store'] as CliArg] : []),
    ]);
  for (const [node, role] of newRoles) {
    const old = oldRoles.get(node);
    if (!old) out.push(`${node} joins as ${role}: ${add(node, role)}`);
    else if (old !== role) out.push(`${node} ${old} → ${role}: ${remove(node, true)}, then ${add(node, role)}`);
  }
  for (const [node] of oldRoles) if (!newRoles.has(node)) out.push(`${node} leaves: ${remove(node, false)}`);
  for (const c of h!.contexts) {
    if (!b!.contexts.includes(c)) out.push(`new context: ${cli('register-context', [['-c', c], g])}`);
  }
  for (const c of b!.contexts) {
    if (!h!.contexts.includes(c)) {
      out.push(
        `context removed: ${cli('delete-context', [['-c', c]])} (deletes its events unless \`--preserve-event-store\`)`,
      );
    }
  }
  return out;
}
