/**
 * Before/after pairs of real configs, each synthesized, then reviewed: every blocker, every
 * allowed and forbidden phase transition, every warning, with the report lines and exit status.
 */
import { cliCommandsIn } from '../../support/cli-commands';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { buildAll } from '../../../src/build';
import { ALLOWED_TRANSITIONS, Phase, PHASES } from '../../../src/domain/phases';
import { RULE_IDS } from '../../../src/domain/rules';
import type { EnvReview, Finding } from '../../../src/review/findings';
import { applyAllows, renderReport } from '../../../src/review/report';
import { reviewSnapshots } from '../../../src/review/review';
import { Snapshot, snapshotOf } from '../../../src/review/snapshot';
import { renderOutput } from '../../../src/synth/render';
import { cli, defined, fixtureProject, ProdConfig, readConfig, tempDir, writeFiles } from '../../support/helpers';
import { jsonCopy, keyed, Kind, Manifest } from '../../support/manifests';

/** Synthesizes prod.yaml after `edit` into a snapshot (as if committed). */
function prodSnapshot(edit: (c: ProdConfig) => void = () => undefined): Snapshot {
  const config = readConfig('prod') as unknown as ProdConfig;
  edit(config);
  const dir = tempDir();
  writeFiles(path.join(dir, 'config'), { 'prod.yaml': stringify(config) });
  const { inputs, diagnostics } = buildAll('config', dir);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`config does not build: ${errors.map((d) => d.message).join('; ')}`);
  return snapshotOf(
    renderOutput(inputs),
    inputs.map((i) => i.model),
  );
}

/** A snapshot whose dist/ was edited by hand (what the review must catch even without the config). */
function editDist<K extends Kind>(
  snapshot: Snapshot,
  kind: K,
  name: string,
  edit: (obj: Manifest<K>) => void,
): Snapshot {
  const env = snapshot.envs.get('prod')!;
  const objects = new Map(env.objects);
  const obj = jsonCopy(keyed(objects, kind, name));
  edit(obj);
  objects.set(`${kind}/${name}`, obj);
  return { ...snapshot, envs: new Map([['prod', { ...env, objects }]]) };
}

const review = (base: Snapshot, head: Snapshot) => reviewSnapshots(base, head).find((r) => r.env === 'prod')!;
const lines = (r: EnvReview, severity: 'blocker' | 'warning') =>
  r.findings.filter((f) => f.severity === severity).map((f) => `${f.rule} ${f.object}: ${f.message}`);
const findingsOf = (r: EnvReview, rule: string) => r.findings.filter((f) => f.rule === rule);
const reportOf = (r: EnvReview) =>
  renderReport(applyAllows([r], []), { base: '`main`', head: 'the working tree', notes: [] });
/** Sets the colours of order-service; a colour keeps its digest while its version stays. */
const colors = (blue: [string, string], green: [string, string]) => (c: ProdConfig) => {
  const before = c.apps[0].release.colors!;
  const color = (name: string, [phase, version]: [string, string]) => ({
    ...(before[name].version === version ? before[name] : {}),
    version,
    phase,
  });
  c.apps[0].release.colors = { blue: color('blue', blue), green: color('green', green) };
};

const base = prodSnapshot();

describe('the fixture prod environment', () => {
  it('promoting green (green SERVING, blue STANDING_BY) has no blocker', () => {
    const r = review(base, prodSnapshot(colors(['STANDING_BY', '1.4.2'], ['SERVING', '1.5.0'])));
    expect(lines(r, 'blocker')).toEqual([]);
    expect(r.releases).toEqual([
      'order-service-blue: SERVING → STANDING_BY (1.4.2)',
      'order-service-green: INITIALISING → SERVING (1.5.0)',
    ]);
    // The phase reaches pods through the release files, not their template: nothing restarts.
    expect(r.restarts).toEqual([]);
    const report = renderReport(applyAllows([r], []), { base: '`main`', head: 'the working tree', notes: [] });
    expect(report).toContain('**✅ no blockers**');
    expect(report).not.toContain('Pods that restart');
    // The database Job of the release is gone, its kind stays allowed: the AppProject is untouched.
    expect(r.changes.map((c) => `${c.change} ${c.kind}/${c.name}`)).toContain(
      'removed Job/order-service-green-database',
    );
    expect(r.changes.filter((c) => c.kind === 'AppProject')).toEqual([]);
  });

  it('a promotion changes only labels, replicas, the live Service and the release files; the pod templates stay byte-identical', () => {
    const head = prodSnapshot(colors(['STANDING_BY', '1.4.2'], ['SERVING', '1.5.0']));
    const env = (s: Snapshot) => s.envs.get('prod')!.objects;
    for (const color of ['blue', 'green']) {
      const name = `order-service-${color}`;
      expect(JSON.stringify(keyed(env(head), 'Deployment', name).spec.template)).toBe(
        JSON.stringify(keyed(env(base), 'Deployment', name).spec.template),
      );
    }
    const release = (s: Snapshot) => keyed(env(s), 'ConfigMap', 'order-service-release').data;
    expect(release(base)).toEqual({
      'blue.live': 'true',
      'blue.phase': 'SERVING',
      'green.live': 'false',
      'green.phase': 'INITIALISING',
      live: 'blue',
    });
    expect(release(head)).toEqual({
      'blue.live': 'false',
      'blue.phase': 'STANDING_BY',
      'green.live': 'true',
      'green.phase': 'SERVING',
      live: 'green',
    });
  });

  it("blocks a promotion that changes the promoted colour's pods, or that turns the check of its processors off", () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        colors(['STANDING_BY', '1.4.2'], ['SERVING', '1.5.0'])(c);
        c.apps[0].env!.JAVA_TOOL_OPTIONS = '-XX:MaxRAMPercentage=60';
        c.apps[0].release.promotion = { processors: false };
      }),
    );
    expect(
      lines(r, 'blocker')
        .map((l) => l.split(':')[0])
        .sort(),
    ).toEqual([
      'promotion-without-processor-check app/order-service-green',
      'template-change-in-promotion app/order-service-green',
    ]);
  });

  it('reads the next release against the walked state when the last one was walked by autoPromote', () => {
    const auto = (blue: [string, string], green: [string, string]) => (c: ProdConfig) => {
      colors(blue, green)(c);
      c.apps[0].release.autoPromote = { standBySeconds: 3600 };
    };
    const walkedBase = prodSnapshot(auto(['SERVING', '1.4.2'], ['INITIALISING', '1.5.0']));
    const next = review(walkedBase, prodSnapshot(auto(['INITIALISING', '1.6.0'], ['SERVING', '1.5.0'])));
    expect(lines(next, 'blocker')).toEqual([]);
    expect(next.releases).toEqual(['order-service-blue: OBSOLETE → INITIALISING (version 1.4.2 → 1.6.0)']);
  });

  it('setting blue straight to CLEANING_UP while it is SERVING is blocked', () => {
    const r = review(base, prodSnapshot(colors(['CLEANING_UP', '1.4.2'], ['SERVING', '1.5.0'])));
    expect(lines(r, 'blocker')).toEqual([
      'phase-transition app/order-service-blue: order-service-blue: SERVING → CLEANING_UP is not allowed',
    ]);
    expect(findingsOf(r, 'phase-transition')[0].details[0]).toMatch(
      /^the live colour would be deleted and its database dropped; demote it to STANDING_BY first/,
    );
  });

  it("changing the size of axonserver-1's events volume is blocked with the PVC-expansion procedure", () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.nodes[0].volumes.events = { size: '600Gi', storageClass: 'axon-fast' };
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'volume-resize statefulset/axonserver-1: grows volume events of axonserver-1 from 500Gi to 600Gi: volume claim templates are immutable, the sync would fail',
    ]);
    const details = findingsOf(r, 'volume-resize')[0].details.join('\n');
    expect(details).toContain(
      'kubectl -n orders-prod patch pvc events-axonserver-1-0 -p \'{"spec":{"resources":{"requests":{"storage":"600Gi"}}}}\'',
    );
    expect(details).toContain('kubectl -n orders-prod delete statefulset axonserver-1 --cascade=orphan');
  });
});

describe('phase transitions', () => {
  // Green stays SCHEDULED, blue moves from every phase to every other phase.
  const pairs = PHASES.flatMap((from) => PHASES.filter((to) => to !== from).map((to) => [from, to] as [Phase, Phase]));
  const baseOf = new Map(PHASES.map((p) => [p, prodSnapshot(colors([p, '1.4.2'], ['SCHEDULED', '1.5.0']))]));

  it.each(pairs)('%s → %s', (from, to) => {
    const r = review(baseOf.get(from)!, prodSnapshot(colors([to, '1.4.2'], ['SCHEDULED', '1.5.0'])));
    const blocked = findingsOf(r, 'phase-transition').some((f) => f.object === 'app/order-service-blue');
    expect(blocked).toBe(!ALLOWED_TRANSITIONS[from].includes(to));
  });

  it('aborts through CLEANING_UP, never straight to OBSOLETE: a reused colour must not resume an old replay', () => {
    const r = review(base, prodSnapshot(colors(['SERVING', '1.4.2'], ['OBSOLETE', '1.5.0'])));
    expect(lines(r, 'blocker')).toEqual([
      'phase-transition app/order-service-green: order-service-green: INITIALISING → OBSOLETE is not allowed',
    ]);
    expect(findingsOf(r, 'phase-transition')[0].details[0]).toContain(
      'allowed from INITIALISING: SERVING, CLEANING_UP',
    );
  });

  it('allows exactly the documented moves', () => {
    expect(ALLOWED_TRANSITIONS).toEqual({
      SCHEDULED: ['INITIALISING', 'OBSOLETE'],
      INITIALISING: ['SERVING', 'CLEANING_UP'],
      SERVING: ['STANDING_BY'],
      STANDING_BY: ['SERVING', 'CLEANING_UP'],
      CLEANING_UP: ['OBSOLETE'],
      OBSOLETE: ['SCHEDULED', 'INITIALISING'],
    });
  });

  it('explains why a colour may not jump to SERVING', () => {
    const r = review(
      prodSnapshot(colors(['SERVING', '1.4.2'], ['SCHEDULED', '1.5.0'])),
      prodSnapshot(colors(['STANDING_BY', '1.4.2'], ['SERVING', '1.5.0'])),
    );
    expect(lines(r, 'blocker')).toEqual([
      'phase-transition app/order-service-green: order-service-green: SCHEDULED → SERVING; only an INITIALISING or STANDING_BY colour may become SERVING',
    ]);
  });

  it('blocks removing the SERVING colour without another becoming SERVING', () => {
    const r = review(base, prodSnapshot(colors(['STANDING_BY', '1.4.2'], ['INITIALISING', '1.5.0'])));
    expect(lines(r, 'blocker')).toEqual([
      'serving-removed app/order-service: leaves order-service without a SERVING colour (blue was SERVING): nothing is live',
    ]);
  });

  it('blocks removing a live app', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.apps.splice(1, 1);
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'serving-removed app/notification-service: removes app notification-service, which is live',
    ]);
  });

  it('allows a rollback, an abort, a cleanup and reusing a colour', () => {
    const promoted = prodSnapshot(colors(['STANDING_BY', '1.4.2'], ['SERVING', '1.5.0']));
    expect(
      lines(review(promoted, prodSnapshot(colors(['SERVING', '1.4.2'], ['STANDING_BY', '1.5.0']))), 'blocker'),
    ).toEqual([]);
    expect(
      lines(review(base, prodSnapshot(colors(['SERVING', '1.4.2'], ['CLEANING_UP', '1.5.0']))), 'blocker'),
    ).toEqual([]);
    const cleaning = prodSnapshot(colors(['CLEANING_UP', '1.4.2'], ['SERVING', '1.5.0']));
    expect(lines(review(promoted, cleaning), 'blocker')).toEqual([]);
    const obsolete = prodSnapshot(colors(['OBSOLETE', '1.4.2'], ['SERVING', '1.5.0']));
    expect(
      lines(review(obsolete, prodSnapshot(colors(['INITIALISING', '1.6.0'], ['SERVING', '1.5.0']))), 'blocker'),
    ).toEqual([]);
  });

  it('blocks changing the version of the SERVING colour in place, warns for an INITIALISING one', () => {
    const r = review(base, prodSnapshot(colors(['SERVING', '1.4.3'], ['INITIALISING', '1.5.1'])));
    expect(lines(r, 'blocker')).toEqual([
      'version-change-in-place app/order-service-blue: order-service-blue: version 1.4.2 → 1.4.3 while SERVING',
    ]);
    expect(lines(r, 'warning')).toEqual([
      'version-change-in-place app/order-service-green: order-service-green: version 1.5.0 → 1.5.1 while INITIALISING',
    ]);
  });
});

describe('changes a live cluster rejects', () => {
  it.each([
    [
      'selector',
      (o: Manifest<'StatefulSet'>) => {
        defined(o.spec.selector.matchLabels)['app.kubernetes.io/component'] = 'x';
      },
    ],
    [
      'serviceName',
      (o: Manifest<'StatefulSet'>) => {
        o.spec.serviceName = 'other';
      },
    ],
    [
      'podManagementPolicy',
      (o: Manifest<'StatefulSet'>) => {
        o.spec.podManagementPolicy = 'Parallel';
      },
    ],
  ])('StatefulSet %s', (field, edit) => {
    const r = review(base, editDist(base, 'StatefulSet', 'axonserver-1', edit));
    expect(lines(r, 'blocker')).toEqual([
      `immutable-field statefulset/axonserver-1: changes spec.${field} of StatefulSet axonserver-1, which Kubernetes does not allow`,
    ]);
  });

  it('StatefulSet volume claim templates: storage class, added volume', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.nodes[0].volumes.data = { size: '10Gi', storageClass: 'axon-archive' };
        c.axonServer.nodes[1].volumes.plugins = { size: '1Gi' };
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'immutable-field statefulset/axonserver-1: moves volume data from StorageClass axon-fast to axon-archive of StatefulSet axonserver-1: volume claim templates are immutable, the sync would fail',
      'immutable-field statefulset/axonserver-2: adds volume plugins of StatefulSet axonserver-2: volume claim templates are immutable, the sync would fail',
    ]);
  });

  it('a shrinking volume', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.nodes[3].volumes.events = { size: '2Ti', storageClass: 'axon-archive' };
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'volume-shrink statefulset/axonserver-archive-1: shrinks volume events of axonserver-archive-1 from 4Ti to 2Ti',
    ]);
  });

  it('Deployment selector', () => {
    const r = review(
      base,
      editDist(base, 'Deployment', 'order-service-blue', (o) => {
        defined(o.spec.selector.matchLabels)['axon-deploy.io/color'] = 'navy';
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'immutable-field deployment/order-service-blue: changes the selector of Deployment order-service-blue, which Kubernetes does not allow',
    ]);
  });

  it('Service headless to ClusterIP', () => {
    const r = review(
      base,
      editDist(base, 'Service', 'axonserver-1', (o) => {
        delete o.spec.clusterIP;
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'immutable-field service/axonserver-1: turns Service axonserver-1 from headless into a ClusterIP Service, which Kubernetes does not allow',
    ]);
  });

  it('Job template, unless the Job is an Argo CD hook (recreated on every sync)', () => {
    const cleaning = prodSnapshot(colors(['CLEANING_UP', '1.4.2'], ['SERVING', '1.5.0']));
    const job = 'order-service-blue-cleanup-1-4-2';
    const edited = editDist(cleaning, 'Job', job, (o) => {
      o.spec.template.spec.containers[0].image = 'x:1';
    });
    expect(lines(review(cleaning, edited), 'blocker')).toEqual([]);
    const plainBase = editDist(cleaning, 'Job', job, (o) => {
      delete defined(o.metadata.annotations)['argocd.argoproj.io/hook'];
    });
    const plainHead = editDist(plainBase, 'Job', job, (o) => {
      o.spec.template.spec.containers[0].image = 'x:1';
    });
    expect(lines(review(plainBase, plainHead), 'blocker')).toEqual([
      'immutable-field job/order-service-blue-cleanup-1-4-2: changes the pod template of Job order-service-blue-cleanup-1-4-2, which Kubernetes does not allow',
    ]);
  });

  it('StorageClass provisioner and parameters', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.storageClasses[1] = {
          name: 'axon-archive',
          provisioner: 'ebs.csi.aws.com',
          parameters: { type: 'sc1' },
        };
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'immutable-field storageclass/axon-archive: changes provisioner of StorageClass axon-archive, which Kubernetes does not allow',
      'immutable-field storageclass/axon-archive: changes parameters of StorageClass axon-archive, which Kubernetes does not allow',
    ]);
  });
});

describe('data at risk and quorum', () => {
  it('removing a node (its StatefulSet)', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.nodes.splice(4, 1);
        delete c.axonServer.replicationGroups[0].roles['axonserver-archive-2'];
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'statefulset-removed statefulset/axonserver-archive-2: removes Axon Server node axonserver-archive-2 (its StatefulSet and event store)',
    ]);
    const all = findingsOf(r, 'statefulset-removed')[0].details;
    expect(all.map((d) => d.slice(0, 3))).toEqual(['Arg', 'The', '1. ', '2. ', '3. ', '4. ', '5. ', '6. ']);
    const steps = all.filter((_, i) => i !== 1); // without the trust-store step (HTTPS on 8024)
    expect(cliCommandsIn(steps[1]).map((c) => `${c.command} ${c.args.map((a) => a.join(' ')).join(' ')}`)).toEqual([
      expect.stringMatching(
        /^delete-node-from-replication-group -g orders -n axonserver-archive-2 -S https:\/\/axonserver-1\./,
      ),
      expect.stringMatching(/^unregister-node -n axonserver-archive-2 -S https:\/\/axonserver-1\./),
    ]);
    expect(steps[3]).toBe(
      '3. Delete the StatefulSet: `kubectl -n orders-prod delete statefulset axonserver-archive-2` (the pod stops; its volumes stay).',
    );
    expect(steps[4]).toBe(
      '4. Delete its headless Service: `kubectl -n orders-prod delete service axonserver-archive-2`.',
    );
    expect(steps[5]).toBe(
      '5. When its event store is no longer needed, delete its claims: `kubectl -n orders-prod delete pvc events-axonserver-archive-2-0 data-axonserver-archive-2-0 log-axonserver-archive-2-0`.',
    );
    expect(steps[6]).toContain('the PersistentVolumes become Released and their disks keep costing money');
  });

  it('removing a StorageClass', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.storageClasses.splice(1, 1);
        for (const n of c.axonServer.nodes.slice(3)) n.volumes.events = { size: '4Ti', storageClass: 'standard-rwo' };
      }),
    );
    expect(lines(r, 'blocker')).toEqual(
      expect.arrayContaining(['storageclass-removed storageclass/axon-archive: removes StorageClass axon-archive']),
    );
  });

  it('removing more than one voter at once', () => {
    const five = (c: ProdConfig) => {
      for (const n of ['axonserver-archive-1', 'axonserver-archive-2'])
        c.axonServer.replicationGroups[0].roles[n] = 'PRIMARY';
    };
    const r = review(prodSnapshot(five), base);
    expect(lines(r, 'blocker')).toEqual([
      'voters-removed group/_admin: removes 2 voters from replication group _admin at once (axonserver-archive-1, axonserver-archive-2)',
      'voters-removed group/orders: removes 2 voters from replication group orders at once (axonserver-archive-1, axonserver-archive-2)',
    ]);
  });
});

describe('moving an environment', () => {
  it('blocks a namespace change: new, empty event stores', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.namespace = 'orders-production';
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      // The AppProject is named after the namespace: it is renamed too.
      'appproject-removed appproject/orders-prod: removes (or renames) Argo CD AppProject orders-prod: its Applications can no longer sync, and an app-of-apps with prune deletes the project',
      'environment-moved environment/prod: moves prod from namespace orders-prod to orders-production',
    ]);
  });

  it('blocks a change of the Argo CD destination, warns about other Application changes', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.argocd.destination = { name: 'prod-eu' };
        c.argocd.targetRevision = 'release';
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'environment-moved argocd/prod: changes the Argo CD destination of prod (server https://kubernetes.default.svc → cluster prod-eu)',
    ]);
    expect(lines(r, 'warning')).toEqual([
      'permissions-widened appproject/orders-prod: AppProject orders-prod lets its Applications create more: destination prod-eu/orders-prod',
      'application-changed application/orders-prod-apps: changes Argo CD Application orders-prod-apps: spec.source.targetRevision',
      'application-changed application/orders-prod-axon-server: changes Argo CD Application orders-prod-axon-server: spec.source.targetRevision',
    ]);
  });
});

describe('security downgrades are blockers', () => {
  it('turning access control off', () => {
    const secured = prodSnapshot();
    const open = prodSnapshot((c) => {
      c.axonServer.accessControl = { enabled: false };
      c.apps.forEach((a) => {
        delete a.tokenSecret;
      });
    });
    expect(lines(review(secured, open), 'blocker')).toEqual([
      'access-control-off axonserver/access-control: turns Axon Server access control off: any client that reaches the nodes can then read and write every context, and the admin REST API needs no token',
    ]);
  });

  it("handing the replica count of a live rolling Deployment to an autoscaler (a colour's count is the rollout controller's)", () => {
    const autoscaled = prodSnapshot((c) => {
      c.apps[1].autoscaling = { minReplicas: 2, maxReplicas: 4 };
    });
    const r = review(base, autoscaled);
    expect(lines(r, 'blocker')).toEqual([
      'replicas-handover deployment/notification-service: Deployment notification-service stops setting replicas (2 now): the sync would remove the field and Kubernetes would scale it to 1 before the autoscaler reacts',
    ]);
    expect(findingsOf(r, 'replicas-handover')[0].details[0]).toContain(
      'kubectl -n orders-prod apply edit-last-applied deployment/notification-service',
    );
    const fixed = prodSnapshot((c) => {
      delete c.apps[0].autoscaling;
    });
    expect(lines(review(fixed, base), 'blocker')).toEqual([]);
  });

  it('turning TLS (or HTTPS on 8024) on or off in place, with the all-at-once procedure', () => {
    const plain = prodSnapshot((c) => {
      c.axonServer.tls = { enabled: false };
    });
    expect(lines(review(base, plain), 'blocker')).toEqual([
      'tls-toggle axonserver/tls: turns TLS off in place: nodes restarted one by one cannot talk to the nodes not restarted yet, and apps switch when their pods restart',
    ]);
    const on = review(plain, base);
    expect(lines(on, 'blocker')).toEqual([
      'tls-toggle axonserver/tls: turns TLS on in place: nodes restarted one by one cannot talk to the nodes not restarted yet, and apps switch when their pods restart',
    ]);
    expect(findingsOf(on, 'tls-toggle')[0].details[0]).toMatch(
      /axonServer\.rollout\.paused: true.*delete pod -l app\.kubernetes\.io\/name=axonserver,app\.kubernetes\.io\/component=axon-server`/,
    );
    const noHttps = prodSnapshot((c) => {
      c.axonServer.tls.http = false;
      delete c.axonServer.tls.keystorePasswordSecret;
    });
    expect(lines(review(base, noHttps), 'blocker').map((l) => l.split(':')[0])).toEqual(['tls-toggle axonserver/tls']);
  });

  it('removing or widening a NetworkPolicy', () => {
    expect(
      lines(
        review(
          base,
          prodSnapshot((c) => {
            c.axonServer.networkPolicy = { enabled: false };
          }),
        ),
        'blocker',
      ),
    ).toEqual([
      'network-policy-weakened networkpolicy/axonserver: removes NetworkPolicy axonserver: every pod in the cluster can then reach the pods it protected',
    ]);
    const widened = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.networkPolicy = { allowedNamespaces: ['monitoring'] };
      }),
    );
    expect(lines(widened, 'blocker')).toEqual([
      'network-policy-weakened networkpolicy/axonserver: widens NetworkPolicy axonserver: admits {"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}},"podSelector":{}} to port 8124',
    ]);
    // narrowing is not a downgrade
    expect(
      lines(
        review(
          prodSnapshot((c) => {
            c.axonServer.networkPolicy = { allowedNamespaces: ['monitoring'] };
          }),
          base,
        ),
        'blocker',
      ),
    ).toEqual([]);
  });

  it('a pod losing a restricted control (dist/ edited by hand)', () => {
    const head = editDist(base, 'StatefulSet', 'axonserver-1', (o) => {
      defined(o.spec.template.spec.containers[0].securityContext).allowPrivilegeEscalation = true;
    });
    expect(lines(review(base, head), 'blocker')).toEqual([
      'pod-security-weakened statefulset/axonserver-1: StatefulSet axonserver-1 loses a control of the restricted Pod Security profile',
    ]);
    expect(findingsOf(review(base, head), 'pod-security-weakened')[0].details[0]).toBe(
      '- `spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: must be false`',
    );
  });

  it('a value that came from a Secret written as a literal', () => {
    const withSecret = prodSnapshot((c) => {
      c.apps[0].env = { MAIL_KEY: { secretName: 'mail', key: 'key' } };
    });
    const literal = prodSnapshot((c) => {
      c.apps[0].env = { MAIL_KEY: { value: 'not-really', notSecret: 'a placeholder for tests' } };
    });
    expect(lines(review(withSecret, literal), 'blocker')).toEqual([
      'secret-to-literal deployment/order-service-blue: Deployment order-service-blue: MAIL_KEY no longer comes from a Secret but from a literal in dist/',
      'secret-to-literal deployment/order-service-green: Deployment order-service-green: MAIL_KEY no longer comes from a Secret but from a literal in dist/',
    ]);
  });
});

describe('removing an environment', () => {
  it('warns that its workloads keep running, and says how to remove them', () => {
    const without: Snapshot = { ...base, envs: new Map() };
    const r = reviewSnapshots(base, without).find((x) => x.env === 'prod')!;
    expect(lines(r, 'warning')).toEqual([
      'environment-removed environment/prod: removes environment prod: its workloads keep running in orders-prod, no longer managed',
    ]);
    const details = findingsOf(r, 'environment-removed')[0].details.join('\n');
    expect(details).toContain('The Applications orders-prod-axon-server, orders-prod-apps leave dist/argocd/');
    expect(details).toContain(
      'The Axon Server nodes (axonserver-1, axonserver-2, axonserver-3, axonserver-archive-1, axonserver-archive-2) are protected',
    );
    expect(details).toContain('`kubectl delete storageclass axon-archive axon-fast`');
  });
});

describe('warnings', () => {
  it('a new or changed JSON patch, with its reason', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.patches[0].patch[0].value = 'IfHealthyBudget';
      }),
    );
    expect(lines(r, 'warning')).toEqual([
      'json-patch poddisruptionbudget/axonserver: patches PodDisruptionBudget axonserver: a node that never became ready must not block a node drain',
    ]);
    expect(findingsOf(r, 'json-patch')[0].details[1]).toBe(
      '[{"op":"add","path":"/spec/unhealthyPodEvictionPolicy","value":"IfHealthyBudget"}]',
    );
  });

  it('backups turned off', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.backup = { enabled: false };
      }),
    );
    expect(lines(r, 'warning')).toEqual([
      'no-backup axonserver/backup: turns the scheduled backups of Axon Server off',
    ]);
  });

  it('a new app with a token: registered by the rollout controller, or a warning with the command when there is none', () => {
    const billing = {
      name: 'billing',
      image: 'registry.example.com/orders/billing',
      context: 'orders',
      tokenSecret: 'billing-token',
      release: { strategy: 'rolling', version: '1.0.0' },
    };
    const registered = review(
      base,
      prodSnapshot((c) => {
        c.apps.push(billing);
      }),
    );
    expect(lines(registered, 'warning')).toEqual([
      'permissions-widened role/axon-deploy-controller: Role axon-deploy-controller lets ServiceAccount axon-deploy-controller (used by Deployment axon-deploy-controller) get secrets (axon-deploy-controller-token, axonserver-1-tls, axonserver-admin-password, axonserver-system-token, billing-token, notification-service-axon-token, order-service-axon-token) in orders-prod',
      'new-secret secret/billing-token: reads Secret billing-token (key token), for billing (Axon Server token); billing (registered by the controller): create it in orders-prod before the sync',
    ]);
    const noRegistration = (c: ProdConfig) => {
      c.axonServer.registration = { enabled: false };
    };
    const r = review(
      prodSnapshot(noRegistration),
      prodSnapshot((c) => {
        noRegistration(c);
        c.apps.push({ ...billing, axonServerRoles: ['READ_EVENTS', 'PUBLISH_EVENTS'] });
      }),
    );
    expect(lines(r, 'warning')).toEqual([
      'app-token app/billing: new app billing connects with the token in Secret billing-token: register it with Axon Server',
      'new-secret secret/billing-token: reads Secret billing-token (key token), for billing (Axon Server token): create it in orders-prod before the sync',
    ]);
    expect(findingsOf(r, 'app-token')[0].details[0]).toContain(
      'register-application -a billing -r PUBLISH_EVENTS@orders,READ_EVENTS@orders',
    );
  });

  it('role and replication-group changes, with the CLI commands that apply them', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.replicationGroups[0].roles['axonserver-archive-2'] = 'PASSIVE_BACKUP';
        c.axonServer.replicationGroups[0].contexts = ['orders', 'payments'];
      }),
    );
    expect(lines(r, 'warning')).toEqual(['roles-changed group/orders: changes replication group orders']);
    const details = findingsOf(r, 'roles-changed')[0].details;
    expect(details[0]).toBe(
      'The cluster template is applied only on the first start of a clean cluster: a running cluster keeps its roles until you apply the change with the CLI:',
    );
    expect(details[1]).toMatch(/^The commands trust the cluster's CA through a Java trust store/);
    expect(
      details.slice(2).map((d) => d.replace(/`[^`]*-jar axonserver-cli\.jar ([^`]*?) -S [^`]*`/g, '`$1`')),
    ).toEqual([
      '- axonserver-archive-2 SECONDARY → PASSIVE_BACKUP: `delete-node-from-replication-group -g orders -n axonserver-archive-2 --preserve-event-store`, then `add-node-to-replication-group -g orders -n axonserver-archive-2 -r PASSIVE_BACKUP`',
      '- new context: `register-context -c payments -g orders`',
    ]);
  });

  it('a new replication group', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.replicationGroups.push({
          name: 'payments',
          contexts: ['payments'],
          roles: { 'axonserver-1': 'PRIMARY', 'axonserver-archive-1': 'SECONDARY' },
        });
      }),
    );
    const commands = (f: { details: readonly string[] }) =>
      f.details.slice(2).map((d) => d.replace(/`[^`]*-jar axonserver-cli\.jar ([^`]*?) -S [^`]*`/g, '`$1`'));
    expect(findingsOf(r, 'roles-changed').map(commands)).toEqual([
      [
        '- new group: `register-replication-group -g payments -n axonserver-1 -sec axonserver-archive-1`',
        '- new context: `register-context -c payments -g payments`',
      ],
    ]);
  });

  it('an Axon Server image change, with the node order', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.image = 'axoniq/axonserver:2025.2.0-jdk-17-nonroot';
      }),
    );
    expect(lines(r, 'warning')).toEqual([
      'axon-image-change statefulset/*: changes the Axon Server image (axoniq/axonserver:2025.1.5-jdk-17-nonroot → axoniq/axonserver:2025.2.0-jdk-17-nonroot) on 5 nodes',
    ]);
    expect(findingsOf(r, 'axon-image-change')[0].details[0]).toMatch(
      /^After the sync, the rollout controller restarts one node at a time: axonserver-archive-1, axonserver-archive-2, axonserver-1, axonserver-2, axonserver-3, the current leader of a replication group after the others\. It restarts a node only when/,
    );
    expect(lines(r, 'blocker')).toEqual([]);
    expect(r.restarts.map((x) => `${x.by} ${x.wave} ${x.name}`)).toEqual([
      'controller 1 axonserver-archive-1',
      'controller 2 axonserver-archive-2',
      'controller 3 axonserver-1',
      'controller 4 axonserver-2',
      'controller 5 axonserver-3',
    ]);
    expect(reportOf(r)).toContain(
      '### Axon Server nodes the rollout controller restarts after the sync, one at a time\n\nIn this order, a group leader after the others; each only when the cluster can afford it.\n\n1. `axonserver-archive-1` (image axoniq/axonserver:2025.1.5-jdk-17-nonroot → axoniq/axonserver:2025.2.0-jdk-17-nonroot)',
    );
  });

  it("a colour's database dropped by CLEANING_UP", () => {
    const promoted = prodSnapshot(colors(['STANDING_BY', '1.4.2'], ['SERVING', '1.5.0']));
    const r = review(promoted, prodSnapshot(colors(['CLEANING_UP', '1.4.2'], ['SERVING', '1.5.0'])));
    expect(lines(r, 'warning')).toEqual([
      'cleanup-drops-database app/order-service-blue: order-service-blue is cleaned up: the cleanup Job drops database orders_view_blue and the tokens of processors ending in -blue',
    ]);
  });

  it('adding a SECONDARY node restarts no other node: only the new node and the NodeRollout change', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.axonServer.nodes.push({
          name: 'axonserver-archive-3',
          zone: 'europe-west4-c',
          volumes: {
            events: { size: '4Ti', storageClass: 'axon-archive' },
            data: { size: '10Gi', storageClass: 'axon-fast' },
            log: { size: '20Gi', storageClass: 'axon-fast' },
          },
        });
        c.axonServer.replicationGroups[0].roles['axonserver-archive-3'] = 'SECONDARY';
      }),
    );
    const changedNodes = r.changes.filter((c) => c.kind === 'StatefulSet' || c.kind === 'NodeRollout');
    expect(changedNodes.map((c) => `${c.change} ${c.kind}/${c.name}`)).toEqual([
      'changed NodeRollout/axonserver',
      'added StatefulSet/axonserver-archive-3',
    ]);
    expect(r.restarts.filter((x) => x.kind === 'StatefulSet')).toEqual([]);
  });

  it("a strategy change where a colour adopts the rolling app's processors and database", () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.apps[1].release = {
          strategy: 'blueGreen',
          adopt: 'blue',
          colors: { blue: { version: '2.0.1', phase: 'SERVING' }, green: { version: '2.0.1', phase: 'SCHEDULED' } },
        };
      }),
    );
    expect(lines(r, 'blocker')).toEqual([]);
    // (The controller's Role names the new colours' objects: a permissions-widened warning of its own.)
    expect(lines(r, 'warning').filter((l) => !l.startsWith('permissions-widened role/'))).toEqual([
      'strategy-change app/notification-service: switches notification-service from rolling to blueGreen, continuing with its processors without suffix',
    ]);
  });
});

describe('strategy changes', () => {
  it('blocks rolling → blueGreen without adopt: the SERVING colour would replay from zero', () => {
    const r = review(
      base,
      prodSnapshot((c) => {
        c.apps[1].release = {
          strategy: 'blueGreen',
          colors: { blue: { version: '2.0.1', phase: 'SERVING' }, green: { version: '2.0.1', phase: 'SCHEDULED' } },
        };
      }),
    );
    expect(lines(r, 'blocker')).toEqual([
      'strategy-change app/notification-service: switches notification-service from rolling to blueGreen without continuing its processors and database: what goes live (processors ending in -blue) replays from zero, while processors without suffix were live',
    ]);
    expect(findingsOf(r, 'strategy-change')[0].details[0]).toMatch(/^Declare `release.adopt: blue`/);
  });

  it('blocks blueGreen → rolling without adopt, and accepts it when the rolling Deployment continues the SERVING colour', () => {
    const bg = prodSnapshot((c) => {
      c.apps[1].release = {
        strategy: 'blueGreen',
        colors: { blue: { version: '2.0.1', phase: 'SERVING' }, green: { version: '2.0.1', phase: 'SCHEDULED' } },
      };
    });
    expect(lines(review(bg, prodSnapshot()), 'blocker').map((l) => l.split(':')[0])).toEqual([
      'strategy-change app/notification-service',
    ]);
    const continuing = review(
      bg,
      prodSnapshot((c) => {
        c.apps[1].release = { strategy: 'rolling', version: '2.0.1', adopt: 'blue' };
      }),
    );
    expect(lines(continuing, 'blocker')).toEqual([]);
    expect(lines(continuing, 'warning').filter((l) => !l.startsWith('permissions-widened role/'))).toEqual([
      'strategy-change app/notification-service: switches notification-service from blueGreen to rolling, continuing with its processors ending in -blue',
    ]);
  });

  it('keeps the read-model database of an adopted app: no new database, no drop', () => {
    const withDb = (release: ProdConfig['apps'][number]['release']) =>
      prodSnapshot((c) => {
        c.apps[1].readModel = {
          jdbcUrl: 'jdbc:postgresql://orders-db:5432',
          database: 'notifications',
          credentialsSecret: 'notifications-db',
        };
        c.apps[1].release = release;
      });
    const r = review(
      withDb({ strategy: 'rolling', version: '2.0.1' }),
      withDb({
        strategy: 'blueGreen',
        adopt: 'blue',
        colors: { blue: { version: '2.0.1', phase: 'SERVING' }, green: { version: '2.0.1', phase: 'SCHEDULED' } },
      }),
    );
    expect(lines(r, 'blocker')).toEqual([]);
    expect(lines(r, 'warning')).toContain(
      'strategy-change app/notification-service: switches notification-service from rolling to blueGreen, continuing with its processors without suffix, database notifications',
    );
  });
});

describe('acknowledgements and the report', () => {
  const head = prodSnapshot((c) => {
    c.axonServer.nodes[0].volumes.events = { size: '600Gi', storageClass: 'axon-fast' };
  });

  it('a blocker acknowledged with --allow passes and stays in the report', () => {
    const result = applyAllows(reviewSnapshots(base, head), [
      'volume-resize:prod/statefulset/axonserver-1',
      'phase-transition:prod/app/x',
    ]);
    expect(result.blocking).toEqual([]);
    expect(result.allowed.map((f: Finding) => f.rule)).toEqual(['volume-resize']);
    expect(result.unusedAllows).toEqual(['phase-transition:prod/app/x']);
    const report = renderReport(result, { base: '`main`', head: 'the working tree', notes: [] });
    expect(report).toContain('**✅ no blockers** · 1 acknowledged blocker');
    expect(report).toContain('### ✅ Acknowledged blockers');
    expect(report).toContain('> Note: `--allow phase-transition:prod/app/x` matched no blocker.');
  });

  it('shows the topology when it changed', () => {
    const report = renderReport(applyAllows(reviewSnapshots(base, head), []), {
      base: '`main`',
      head: 'the working tree',
      notes: [],
    });
    expect(report).toContain('### Topology (the sections that changed)');
    expect(report).toContain('events 600Gi axon-fast');
    expect(report).toContain(
      'To do this on purpose, acknowledge it: `--allow volume-resize:prod/statefulset/axonserver-1`',
    );
  });
});

describe('axon-deploy review on a git repository', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** A git repository with the fixture config, synthesized and committed on main. */
  async function repository(): Promise<string> {
    const dir = fixtureProject();
    expect((await cli(['synth'], dir)).status).toBe(0);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
    return dir;
  }
  const growVolume = (dir: string) => {
    const prod = path.join(dir, 'config', 'prod.yaml');
    fs.writeFileSync(
      prod,
      fs
        .readFileSync(prod, 'utf8')
        .replace(
          'events: { size: 500Gi, storageClass: axon-fast }',
          'events: { size: 600Gi, storageClass: axon-fast }',
        ),
    );
  };

  it('compares the working tree with a ref, writes --report, exits 1 on a blocker and 0 once acknowledged', async () => {
    const dir = await repository();
    growVolume(dir);
    expect((await cli(['synth'], dir)).status).toBe(0);
    let r = await cli(['review', '--report', 'review.md'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('(merge base with main)');
    expect(r.stdout).toContain('- **volume-resize** `statefulset/axonserver-1`');
    expect(fs.readFileSync(path.join(dir, 'review.md'), 'utf8')).toBe(r.stdout);
    r = await cli(['review', '--base', 'main', '--allow', 'volume-resize:prod/statefulset/axonserver-1'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Base: `main`');
  });

  it('blocks a stale dist/ (config changed, no synth) and names the command to run; it cannot be acknowledged', async () => {
    const dir = await repository();
    const prod = path.join(dir, 'config', 'prod.yaml');
    fs.writeFileSync(prod, fs.readFileSync(prod, 'utf8').replace('maxReplicas: 12', 'maxReplicas: 16'));
    const r = await cli(['review', '--allow', 'stale-dist:prod/dist/prod'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '- **stale-dist** `dist/prod`: dist/ is not what config/ produces for prod (4 files differ)',
    );
    expect(r.stdout).toContain('Run `axon-deploy synth` and commit the result.');
    expect(r.stdout).toContain('- `prod/apps/horizontalpodautoscaler-order-service-blue.yaml`');
    expect(r.stdout).not.toContain('To do this on purpose, acknowledge it: `--allow stale-dist');
    expect(r.stdout).toContain('> Note: `--allow stale-dist:prod/dist/prod` cannot be acknowledged: fix the change.');
  });

  it('leaves the stale check to CI when the working tree pins another axon-deploy version (an upgrade under review)', async () => {
    const dir = await repository();
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { 'axon-deploy': '99.0.0' } }));
    const prod = path.join(dir, 'config', 'prod.yaml');
    fs.writeFileSync(prod, fs.readFileSync(prod, 'utf8').replace('maxReplicas: 12', 'maxReplicas: 16'));
    const r = await cli(['review'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('stale-dist');
    expect(r.stdout).toMatch(
      /> Note: the working tree pins axon-deploy 99\.0\.0; this review runs \d+\.\d+\.\d+ \(the base's\), so whether dist\/ is what config\/ produces is left to 99\.0\.0 \(the gate's head-version job, or CI's `axon-deploy synth --check`\)/,
    );
  });

  it('blocks a config that does not build', async () => {
    const dir = await repository();
    fs.appendFileSync(path.join(dir, 'config', 'dev.yaml'), 'colour: blue\n');
    const r = await cli(['review'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('- **config-invalid** `config`: the config does not build (1 error)');
    expect(r.stdout).toContain('config/dev.yaml');
  });

  it('rejects a malformed acknowledgement and an unknown rule, listing the rules', async () => {
    const dir = tempDir();
    let r = await cli(['review', '--allow', 'volume-resize'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--allow expects <rule>:<env>/<object>');
    r = await cli(['review', '--allow', 'volume-resise:prod/statefulset/axonserver-1'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`unknown rule "volume-resise"; rules: ${RULE_IDS.join(', ')}`);
  });

  it('says when it is not run in a git repository', async () => {
    const r = await cli(['review'], tempDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot find the merge base with main|cannot read/);
  });
});
