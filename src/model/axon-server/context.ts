/**
 * What every step of the Axon Server builder shares: the input, the names and labels of the
 * cluster, the Secrets it reads. Built once, read by the steps.
 */
import type { ConfigPath } from '../../config/diagnostics';
import { parseImageReference } from '../../config/formats';
import type { AppConfig, AxonServerConfig, JobsConfig, MonitoringConfig } from '../../config/schema';
import { LABEL_COMPONENT, LABEL_NAME, LABEL_VERSION } from '../../domain/keys';
import { AXON_SERVER, NODE_COMPONENT, serviceDomain } from '../../domain/names';
import type { Issues } from '../issues';
import type { LabelScheme } from '../labels';
import type { NameRegistry } from '../names';
import type { SecretRegistry } from '../secrets';
import type { Labels, SecretRef } from '../types';

export interface AxonServerInput {
  readonly config: AxonServerConfig;
  readonly namespace: string;
  /** The config file, named in the rendered files' headers. */
  readonly sourceFile: string;
  readonly labels: LabelScheme;
  readonly issues: Issues;
  readonly names: NameRegistry;
  readonly secrets: SecretRegistry;
  readonly jobs: JobsConfig;
  /** The apps, whose tokens the rollout controller registers. */
  readonly apps: readonly AppConfig[];
  readonly monitoring: MonitoringConfig;
  /** The backup Job's script (src/scripts/jobs/backup.js), as text: the model reads no files. */
  readonly backupScript: string;
}

/** The `app.kubernetes.io/component` of the nodes. */
export const COMPONENT = NODE_COMPONENT;

/** A path under `axonServer` in the config, for messages. */
export const at = (...path: (string | number)[]): ConfigPath => ['axonServer', ...path];

export interface ClusterContext extends AxonServerInput {
  /** `<namespace>.svc.cluster.local`. */
  readonly domain: string;
  readonly image: ReturnType<typeof parseImageReference>;
  /** Labels of the cluster-wide objects. */
  readonly clusterLabels: Labels;
  /** Selects every node's pod. */
  readonly clusterSelector: Labels;
  /** `app.kubernetes.io/version` when the image has a tag. */
  readonly versionLabel: Labels;
  readonly license?: SecretRef;
  /** The system token, when access control is on. */
  readonly systemToken?: SecretRef;
}

export function clusterContext(input: AxonServerInput): ClusterContext {
  const { config, labels } = input;
  const image = parseImageReference(config.image);
  const ac = config.accessControl;
  return {
    ...input,
    domain: serviceDomain(input.namespace),
    image,
    clusterLabels: labels.full(labels.stable(AXON_SERVER, AXON_SERVER, COMPONENT)),
    clusterSelector: { [LABEL_NAME]: AXON_SERVER, [LABEL_COMPONENT]: COMPONENT },
    versionLabel: image?.tag ? { [LABEL_VERSION]: image.tag } : {},
    license: config.license ? { name: config.license.secretName, key: config.license.key } : undefined,
    systemToken:
      ac.enabled && ac.systemTokenSecret ? { name: ac.systemTokenSecret, key: ac.systemTokenKey } : undefined,
  };
}

/** Records every Secret the cluster reads (never rendered: they must exist before the sync). */
export function registerSecrets(ctx: ClusterContext): void {
  const { config, secrets } = ctx;
  const ac = config.accessControl;
  if (ctx.license) secrets.add(ctx.license, 'the Axon Server licence');
  if (ctx.systemToken) secrets.add(ctx.systemToken, 'the Axon Server system token');
  if (config.edition === 'enterprise' && ac.enabled && ac.internalTokenSecret) {
    secrets.add({ name: ac.internalTokenSecret, key: ac.internalTokenKey }, 'the Axon Server internal token');
  }
  for (const name of config.imagePullSecrets) {
    secrets.add({ name, key: '.dockerconfigjson' }, 'pulling the Axon Server image');
  }
}
