import { diagnose, ProdConfig, prodWith, synthText, withoutPosition } from '../../support/helpers';

/** Diagnostics of prod.yaml after `edit`, without positions, sorted (these tests are about what is said). */
const problems = (edit: (c: ProdConfig) => void) =>
  diagnose({ 'prod.yaml': prodWith(edit) })
    .lines.map(withoutPosition)
    .sort();
const errors = (edit: (c: ProdConfig) => void) => problems(edit).filter((l) => !l.includes(': warning: '));
const warnings = (edit: (c: ProdConfig) => void) => problems(edit).filter((l) => l.includes(': warning: '));
const sorted = (lines: string[]) => [...lines].sort();
const orders = (c: ProdConfig) => c.axonServer.replicationGroups[0];

describe('quorum', () => {
  const twoOfTwo =
    'has 2 PRIMARY nodes; use an odd number: the group is available while a majority of its PRIMARY nodes (2 of 2) is up, so it survives the loss of only 0, no more than with 1 (ACTIVE_BACKUP nodes do not count towards this majority)';

  it('rejects 2 PRIMARY + 1 ACTIVE_BACKUP with a message about primaries', () => {
    expect(
      errors((c) => {
        orders(c).roles['axonserver-3'] = 'ACTIVE_BACKUP';
      }),
    ).toEqual(
      sorted([
        `axonServer.replicationGroups: the _admin replication group (derived: every node that is PRIMARY somewhere; declare _admin to choose) ${twoOfTwo}`,
        `axonServer.replicationGroups[0].roles: replication group "orders" ${twoOfTwo}`,
      ]),
    );
  });

  it('accepts 3 PRIMARY + 1 ACTIVE_BACKUP, warning that a single active backup stops writes when lost', () => {
    const edit = (c: ProdConfig) => {
      orders(c).roles['axonserver-archive-1'] = 'ACTIVE_BACKUP';
    };
    expect(errors(edit)).toEqual([]);
    expect(warnings(edit)).toEqual([
      'axonServer.replicationGroups[0].roles: warning: replication group "orders" has a single ACTIVE_BACKUP node: every write waits for its confirmation (min-active-backups is 1 by default), so losing it stops writes; add a second one, or make it a PASSIVE_BACKUP',
    ]);
  });

  it('checks the derived _admin group too', () => {
    const fourOfFour =
      'has 4 PRIMARY nodes; use an odd number: the group is available while a majority of its PRIMARY nodes (3 of 4) is up, so it survives the loss of only 1, no more than with 3 (ACTIVE_BACKUP nodes do not count towards this majority)';
    expect(
      errors((c) => {
        orders(c).roles['axonserver-archive-1'] = 'PRIMARY';
      }),
    ).toEqual(
      sorted([
        `axonServer.replicationGroups: the _admin replication group (derived: every node that is PRIMARY somewhere; declare _admin to choose) ${fourOfFour}`,
        `axonServer.replicationGroups[0].roles: replication group "orders" ${fourOfFour}`,
      ]),
    );
  });

  it('requires at least one PRIMARY per group', () => {
    const result = errors((c) => {
      c.axonServer.replicationGroups.push({
        name: 'archive',
        contexts: ['archive'],
        roles: { 'axonserver-archive-1': 'SECONDARY', 'axonserver-archive-2': 'SECONDARY' },
      });
    });
    expect(result).toEqual([
      'axonServer.replicationGroups[1].roles: replication group "archive" has no PRIMARY node: every replication group needs at least one to lead it',
    ]);
  });

  it("warns when one zone holds a majority of a group's primaries", () => {
    expect(
      warnings((c) => {
        c.axonServer.nodes[1].zone = 'europe-west4-a';
      }),
    ).toEqual(
      sorted([
        'axonServer.replicationGroups: warning: zone europe-west4-a holds 2 of the 3 PRIMARY nodes of the _admin replication group (derived: every node that is PRIMARY somewhere; declare _admin to choose): losing that zone makes the group unavailable; spread the primaries over more zones',
        'axonServer.replicationGroups[0].roles: warning: zone europe-west4-a holds 2 of the 3 PRIMARY nodes of replication group "orders": losing that zone makes the group unavailable; spread the primaries over more zones',
      ]),
    );
  });
});

describe('roles and groups', () => {
  it('fails a role that names no node with that error alone (with the closest name), not the quorum errors it causes', () => {
    expect(
      errors((c) => {
        delete orders(c).roles['axonserver-3'];
        orders(c).roles['axonserver-4'] = 'PRIMARY';
      }),
    ).toEqual([
      'axonServer.replicationGroups[0].roles.axonserver-4: no node is named "axonserver-4" (did you mean "axonserver-1"?); nodes: axonserver-1, axonserver-2, axonserver-3, axonserver-archive-1, axonserver-archive-2',
    ]);
  });

  it('lists the valid role names', () => {
    expect(
      errors((c) => {
        orders(c).roles['axonserver-archive-1'] = 'SECUNDARY';
      }),
    ).toEqual(
      sorted([
        'axonServer.replicationGroups[0].roles.axonserver-archive-1: expected one of PRIMARY, SECONDARY, ACTIVE_BACKUP, PASSIVE_BACKUP, MESSAGING_ONLY, got "SECUNDARY" (did you mean SECONDARY?)',
      ]),
    );
  });

  it('requires every node to belong to a group', () => {
    expect(
      errors((c) => {
        delete orders(c).roles['axonserver-archive-2'];
      }),
    ).toEqual(
      sorted([
        'axonServer.nodes[4].name: node "axonserver-archive-2" has no role in any replication group: give it one in replicationGroups[].roles',
      ]),
    );
  });

  it('keeps a context in one group', () => {
    expect(
      errors((c) => {
        c.axonServer.replicationGroups.push({
          name: 'more',
          contexts: ['orders'],
          roles: { 'axonserver-1': 'PRIMARY' },
        });
      }),
    ).toEqual([
      'axonServer.replicationGroups[1].contexts[0]: context "orders" is already stored by replication group "orders"; a context belongs to one group',
    ]);
  });
});

describe('node names and volumes', () => {
  it('limits node names to 52 characters, leaving room for the StatefulSet revision label', () => {
    const long = `axonserver-${'x'.repeat(42)}`;
    expect(
      errors((c) => {
        c.axonServer.nodes[0].name = long;
        orders(c).roles[long] = orders(c).roles['axonserver-1'];
        delete orders(c).roles['axonserver-1'];
      }),
    ).toEqual(
      sorted([
        `axonServer.nodes[0].name: expected at most 52 characters (the StatefulSet controller adds an 11-character revision suffix to a 63-character label), got 53: "${long}"`,
      ]),
    );
  });

  it('requires DNS-label node names', () => {
    expect(
      errors((c) => {
        c.axonServer.nodes[0].name = 'AxonServer_1';
      })[0],
    ).toBe(
      'axonServer.nodes[0].name: expected a name of lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, got "AxonServer_1"',
    );
  });

  it('refuses an events volume on a MESSAGING_ONLY node', () => {
    expect(
      errors((c) => {
        c.axonServer.nodes.push({
          name: 'axonserver-msg',
          volumes: { events: { size: '1Gi' }, data: { size: '1Gi' }, log: { size: '1Gi' } },
        });
        orders(c).roles['axonserver-msg'] = 'MESSAGING_ONLY';
      }),
    ).toEqual([
      'axonServer.nodes[5].volumes.events: node "axonserver-msg" is MESSAGING_ONLY in all its replication groups and stores no events: remove its events volume',
    ]);
  });

  it('requires an events volume where events are stored; gives a node without a log volume a default one, and says so', () => {
    expect(
      errors((c) => {
        delete c.axonServer.nodes[0].volumes.events;
      }),
    ).toEqual([
      'axonServer.nodes[0].volumes: node "axonserver-1" stores events: add volumes.events (e.g. { size: 100Gi })',
    ]);
    const { model } = synthText(
      'prod',
      prodWith((c) => {
        delete c.axonServer.nodes[1].volumes.log;
      }),
    );
    expect(model.axonServer.defaults).toEqual([
      "node axonserver-2: a log volume of 5Gi in the cluster's default storage class (nodes[].volumes.log chooses)",
    ]);
    expect(model.axonServer.nodes[1].claims.find((x) => x.name === 'log')).toMatchObject({ size: '5Gi' });
  });

  it('warns about a storage class one edit away from a declared one', () => {
    expect(
      warnings((c) => {
        c.axonServer.nodes[0].volumes.data = { size: '10Gi', storageClass: 'axon-fst' };
      }),
    ).toEqual(
      sorted([
        'axonServer.nodes[0].volumes.data.storageClass: warning: StorageClass "axon-fst" is not declared in storageClasses; did you mean "axon-fast"? (an undeclared class must already exist in the cluster)',
      ]),
    );
  });

  it('accepts an undeclared storage class that is not close to a declared one (it exists in the cluster)', () => {
    expect(
      problems((c) => {
        c.axonServer.nodes[0].volumes.data = { size: '10Gi', storageClass: 'premium-rwo' };
      }),
    ).toEqual([]);
  });

  it('rejects a node name that another object already uses', () => {
    expect(
      errors((c) => {
        c.axonServer.nodes[0].name = 'axonserver-grpc';
        orders(c).roles['axonserver-grpc'] = orders(c).roles['axonserver-1'];
        delete orders(c).roles['axonserver-1'];
      }),
    ).toEqual([
      'axonServer.nodes[0].name: Service "axonserver-grpc" already exists: it is the Axon Server client Service; choose another name',
    ]);
  });
});

describe('editions, secrets, shutdown and probes', () => {
  it('runs standard edition as exactly one node without licence or roles', () => {
    expect(
      errors((c) => {
        c.axonServer.edition = 'standard';
      }),
    ).toEqual(
      sorted([
        'axonServer.license: standard edition takes no licence: remove it, or use edition: enterprise',
        'axonServer.nodes: standard edition runs exactly one node, got 5: for a cluster use edition: enterprise (with a licence)',
        'axonServer.registration.users: standard edition has no user or application API: register users in its UI, or use edition: enterprise',
        'axonServer.replicationGroups: standard edition has no replication groups or roles (one standalone node with the "default" context): remove them, or use edition: enterprise',
        'apps[0].context: a standard edition server has only the "default" context, got "orders"',
        'apps[1].context: a standard edition server has only the "default" context, got "orders"',
      ]),
    );
  });

  it('requires a licence for enterprise', () => {
    expect(
      errors((c) => {
        delete c.axonServer.license;
      }),
    ).toEqual(
      sorted([
        'axonServer.license: enterprise edition needs a licence: add license: { secretName: <Secret with the axoniq.license file> }',
      ]),
    );
  });

  it('requires the token Secrets when access control is on', () => {
    expect(
      errors((c) => {
        delete c.axonServer.accessControl.systemTokenSecret;
        delete c.axonServer.accessControl.internalTokenSecret;
      }),
    ).toEqual(
      sorted([
        'axonServer.accessControl.internalTokenSecret: required when access control is enabled: the nodes of a cluster authenticate each other with this token',
        'axonServer.accessControl.systemTokenSecret: required when access control is enabled: without it Axon Server generates an admin token inside the container, where nobody can read it',
      ]),
    );
  });

  it('refuses a termination grace period under 60 s unless forced', () => {
    expect(
      errors((c) => {
        c.axonServer.terminationGracePeriodSeconds = 30;
      }),
    ).toEqual(
      sorted([
        'axonServer.terminationGracePeriodSeconds: expected at least 60, got 30: a node killed while flushing can corrupt its control DB; set allowShortTerminationGracePeriod: true to force it',
      ]),
    );
    expect(
      errors((c) => {
        c.axonServer.terminationGracePeriodSeconds = 30;
        c.axonServer.allowShortTerminationGracePeriod = true;
      }),
    ).toEqual([]);
  });

  it('requires a liveness timeout above 1 s and warns about a short startup budget', () => {
    expect(
      problems((c) => {
        c.axonServer.probes.liveness = { timeoutSeconds: 1 };
        c.axonServer.probes.startup = { periodSeconds: 5, failureThreshold: 12 };
      }),
    ).toEqual(
      sorted([
        'axonServer.probes.liveness.timeoutSeconds: expected more than 1 second, got 1: a garbage-collection pause longer than the timeout would restart a healthy node',
        'axonServer.probes.startup: warning: the startup probe allows 60 s; Axon Server can take several minutes to start after a restore or an index rebuild, and is then restarted in a loop (10 minutes is the default)',
      ]),
    );
  });

  it('refuses properties that axon-deploy manages, and secrets in properties', () => {
    expect(
      errors((c) => {
        c.axonServer.properties = {
          'axoniq.axonserver.autocluster.first': 'axonserver-1',
          'axoniq.axonserver.internalHostname': 'x',
          'axoniq.axonserver.accesscontrol.token': 'secret',
        };
      }),
    ).toEqual(
      sorted([
        'axonServer.properties["axoniq.axonserver.accesscontrol.token"]: "axoniq.axonserver.accesscontrol.token" looks like a secret (its name says it is a secret): properties are rendered into a ConfigMap in dist/, in plain text; set it from a Secret instead (as an environment variable of the nodes)',
        'axonServer.properties["axoniq.axonserver.autocluster.first"]: "axoniq.axonserver.autocluster.first" is set by axon-deploy from replicationGroups (Axon Server refuses autocluster together with a cluster template); remove it from properties',
        'axonServer.properties["axoniq.axonserver.internalHostname"]: "axoniq.axonserver.internalHostname" is set by axon-deploy from nodes[].name; remove it from properties',
      ]),
    );
  });

  it('refuses labels under the keys axon-deploy sets', () => {
    expect(
      errors((c) => {
        c.labels = { 'app.kubernetes.io/name': 'x' };
      }),
    ).toEqual(
      sorted([
        'labels["app.kubernetes.io/name"]: labels under app.kubernetes.io/ are set by axon-deploy; choose another key',
      ]),
    );
  });
});
