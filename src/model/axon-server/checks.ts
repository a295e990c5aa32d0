/**
 * The checks that keep an Axon Server configuration safe to run: edition and licence, access
 * control, shutdown and probes, quorum per replication group (AxonIQ's rule), volumes, storage
 * classes, the image, and exposure. Each reports through `issues`, with the field at fault.
 */
import type { parseImageReference } from '../../config/formats';
import type { AxonServerConfig, MonitoringConfig } from '../../config/schema';
import { VOLUME_NAMES } from '../../config/schema';
import { ADMIN_GROUP, quorumOf, Role } from '../../domain/roles';
import type { Issues } from '../issues';
import type { ReplicationGroupModel } from '../types';
import { closest } from '../../util/text';
import { at } from './context';
import { groupPath } from './groups';

export function checkEdition(config: AxonServerConfig, issues: Issues): void {
  if (config.edition === 'standard') {
    if (config.nodes.length !== 1) {
      issues.error(
        at('nodes'),
        `standard edition runs exactly one node, got ${config.nodes.length}: for a cluster use edition: enterprise (with a licence)`,
      );
    }
    if (config.license)
      issues.error(at('license'), 'standard edition takes no licence: remove it, or use edition: enterprise');
    if (config.replicationGroups.length > 0) {
      issues.error(
        at('replicationGroups'),
        'standard edition has no replication groups or roles (one standalone node with the "default" context): remove them, or use edition: enterprise',
      );
    }
  } else if (!config.license) {
    issues.error(
      at('license'),
      'enterprise edition needs a licence: add license: { secretName: <Secret with the axoniq.license file> }',
    );
  }
}

export function checkAccessControl(config: AxonServerConfig, issues: Issues): void {
  const ac = config.accessControl;
  if (ac.enabled) {
    if (!ac.systemTokenSecret) {
      issues.error(
        at('accessControl', 'systemTokenSecret'),
        'required when access control is enabled: without it Axon Server generates an admin token inside the container, where nobody can read it',
      );
    }
    if (config.edition === 'enterprise' && !ac.internalTokenSecret) {
      issues.error(
        at('accessControl', 'internalTokenSecret'),
        'required when access control is enabled: the nodes of a cluster authenticate each other with this token',
      );
    }
    if (config.edition === 'standard' && ac.internalTokenSecret) {
      issues.warn(
        at('accessControl', 'internalTokenSecret'),
        'a standalone node has no peers: the internal token is not used',
      );
    }
  } else {
    for (const key of ['systemTokenSecret', 'internalTokenSecret'] as const) {
      if (ac[key]) issues.warn(at('accessControl', key), 'not used while accessControl.enabled is false');
    }
  }
}

export function checkShutdownAndProbes(config: AxonServerConfig, issues: Issues): void {
  if (config.terminationGracePeriodSeconds < 60 && !config.allowShortTerminationGracePeriod) {
    issues.error(
      at('terminationGracePeriodSeconds'),
      `expected at least 60, got ${config.terminationGracePeriodSeconds}: a node killed while flushing can corrupt its control DB; set allowShortTerminationGracePeriod: true to force it`,
    );
  }
  if (config.probes.liveness.timeoutSeconds <= 1) {
    issues.error(
      at('probes', 'liveness', 'timeoutSeconds'),
      `expected more than 1 second, got ${config.probes.liveness.timeoutSeconds}: a garbage-collection pause longer than the timeout would restart a healthy node`,
    );
  }
  const s = config.probes.startup;
  const budget = s.initialDelaySeconds + s.periodSeconds * s.failureThreshold;
  if (budget < 300) {
    issues.warn(
      at('probes', 'startup'),
      `the startup probe allows ${budget} s; Axon Server can take several minutes to start after a restore or an index rebuild, and is then restarted in a loop (10 minutes is the default)`,
    );
  }
}

export function checkQuorum(config: AxonServerConfig, groups: readonly ReplicationGroupModel[], issues: Issues): void {
  const zoneOf = new Map(config.nodes.map((n) => [n.name, n.zone]));
  for (const g of groups) {
    if (g.roles.length === 0 && g.derived) continue; // reported on the groups themselves
    const path = groupPath(config, g);
    const label = g.derived
      ? `the ${ADMIN_GROUP} replication group (derived: every node that is PRIMARY somewhere; declare ${ADMIN_GROUP} to choose)`
      : `replication group "${g.name}"`;
    const { primaries, majority, tolerates, activeBackups } = quorumOf(g.roles);
    if (primaries === 0) {
      issues.error(path, `${label} has no PRIMARY node: every replication group needs at least one to lead it`);
      continue;
    }
    if (primaries % 2 === 0) {
      issues.error(
        path,
        `${label} has ${primaries} PRIMARY nodes; use an odd number: the group is available while a majority of its PRIMARY nodes ` +
          `(${majority} of ${primaries}) is up, so it survives the loss of only ${tolerates}, no more than with ${primaries - 1} ` +
          `(ACTIVE_BACKUP nodes do not count towards this majority)`,
      );
    }
    if (activeBackups === 1) {
      issues.warn(
        path,
        `${label} has a single ACTIVE_BACKUP node: every write waits for its confirmation (min-active-backups is 1 by default), so losing it stops writes; add a second one, or make it a PASSIVE_BACKUP`,
      );
    }
    const perZone = new Map<string, number>();
    for (const r of g.roles.filter((x) => x.role === 'PRIMARY')) {
      const zone = zoneOf.get(r.node);
      if (zone !== undefined) perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    for (const [zone, count] of [...perZone.entries()].sort()) {
      if (primaries > 1 && count >= majority) {
        issues.warn(
          path,
          `zone ${zone} holds ${count} of the ${primaries} PRIMARY nodes of ${label}: losing that zone makes the group unavailable; spread the primaries over more zones`,
        );
      }
    }
  }
  if (config.edition === 'enterprise') {
    config.nodes.forEach((n, i) => {
      if (!groups.some((g) => g.roles.some((r) => r.node === n.name))) {
        issues.error(
          at('nodes', i, 'name'),
          `node "${n.name}" has no role in any replication group: give it one in replicationGroups[].roles`,
        );
      }
    });
  }
}

export function checkVolumes(
  config: AxonServerConfig,
  rolesByNode: ReadonlyMap<string, readonly { role: Role }[]>,
  issues: Issues,
): void {
  config.nodes.forEach((node, i) => {
    const roles = rolesByNode.get(node.name) ?? [];
    const messagingOnly = roles.length > 0 && roles.every((r) => r.role === 'MESSAGING_ONLY');
    if (messagingOnly && node.volumes.events) {
      issues.error(
        at('nodes', i, 'volumes', 'events'),
        `node "${node.name}" is MESSAGING_ONLY in all its replication groups and stores no events: remove its events volume`,
      );
    }
    if (!messagingOnly && !node.volumes.events) {
      issues.error(
        at('nodes', i, 'volumes'),
        `node "${node.name}" stores events: add volumes.events (e.g. { size: 100Gi })`,
      );
    }
  });
}

export function checkStorageClasses(config: AxonServerConfig, issues: Issues): void {
  const declared = new Set(config.storageClasses.map((sc) => sc.name));
  config.nodes.forEach((node, i) => {
    for (const name of VOLUME_NAMES) {
      const cls = node.volumes[name]?.storageClass;
      if (cls === undefined || declared.has(cls)) continue;
      // One edit away: a typo of a declared class (anything further may be a class of the cluster).
      const guess = closest(cls, declared, 1);
      if (guess) {
        issues.warn(
          at('nodes', i, 'volumes', name, 'storageClass'),
          `StorageClass "${cls}" is not declared in storageClasses; did you mean "${guess}"? (an undeclared class must already exist in the cluster)`,
        );
      }
    }
  });
}

/**
 * Images that make a consensus cluster drift, or that are not built for the user the pods run as:
 * no tag (the registry's latest), latest, or not a -nonroot variant (those are built to run as
 * root). Warnings, not errors: the pods set runAsUser 1001, so the kubelet's runAsNonRoot check
 * and the restricted profile pass whatever user the image declares and the pods are not refused;
 * whether a root image then works as uid 1001 is its own business, hence the warning.
 */
export function checkImage(value: string, ref: ReturnType<typeof parseImageReference>, issues: Issues): void {
  if (!ref) return;
  if (!ref.tag && !ref.digest) {
    issues.warn(
      at('image'),
      `${value} has no tag, so it is the registry's latest: every restarted node may run another version; pin a version (and its digest)`,
    );
  } else if (ref.tag === 'latest') {
    issues.warn(
      at('image'),
      `${value}: latest is a moving tag: every restarted node may run another version; pin a version (and its digest)`,
    );
  }
  if (ref.tag && !ref.tag.endsWith('-nonroot')) {
    issues.warn(
      at('image'),
      `${value} is not a -nonroot image: it is built to run as root, but the pods run it as uid 1001 (runAsUser, for runAsNonRoot and the restricted profile), the user only the -nonroot images are built for; use the matching -nonroot tag`,
    );
  }
}

/** Exposure that cannot work: Prometheus without the endpoint, a UI route nobody may reach. */
export function checkExposure(config: AxonServerConfig, monitoring: MonitoringConfig, issues: Issues): void {
  if (monitoring.enabled && !config.actuator.exposure.includes('prometheus')) {
    issues.error(
      at('actuator', 'exposure'),
      'monitoring is enabled, so Prometheus scrapes /actuator/prometheus: add prometheus to the exposed endpoints',
    );
  }
  if (monitoring.enabled && config.networkPolicy.enabled && monitoring.scrapers.length === 0) {
    issues.warn(
      ['monitoring', 'scrapers'],
      "the NetworkPolicy lets nothing outside the cluster's Jobs reach 8024: name the Prometheus pods here (e.g. { namespace: monitoring, podLabels: { app.kubernetes.io/name: prometheus } })",
    );
  }
  const route = config.ui.ingress ? 'ui.ingress' : config.ui.httpRoute ? 'ui.httpRoute' : undefined;
  if (route && config.networkPolicy.enabled && config.ui.allowedFrom.length === 0) {
    issues.warn(
      at(...route.split('.')),
      'the NetworkPolicy keeps the ingress controller or gateway away from 8024: add its pods to ui.allowedFrom',
    );
  }
  if (config.ui.httpRoute && config.tls.enabled && config.tls.http) {
    issues.warn(
      at('ui', 'httpRoute'),
      'the UI speaks HTTPS (tls.http): the Gateway needs a BackendTLSPolicy for axonserver-ui (not rendered by axon-deploy) to connect to it',
    );
  }
}
