import type { ConfigPath } from '../config/diagnostics';
import { parseQuantity } from '../config/formats';
import type { AxonServerConfig } from '../config/schema';
import type { Issues } from './issues';
import type { Resources } from './types';

/** Requests and limits as written in config (Axon Server and apps share the shape). */
export type ResourcesConfig = AxonServerConfig['resources'];

/** Fills the memory limit from the request and checks limits are not below requests. */
export function resolveResources(r: ResourcesConfig, path: ConfigPath, issues: Issues): Resources {
  const requests = { cpu: String(r.requests.cpu), memory: String(r.requests.memory) };
  const limits = {
    cpu: r.limits.cpu === undefined ? undefined : String(r.limits.cpu),
    memory: String(r.limits.memory ?? r.requests.memory),
  };
  if (parseQuantity(limits.memory) < parseQuantity(requests.memory)) {
    issues.error(
      [...path, 'limits', 'memory'],
      `expected at least the memory request (${requests.memory}), got ${limits.memory}`,
    );
  }
  if (limits.cpu !== undefined && parseQuantity(limits.cpu) < parseQuantity(requests.cpu)) {
    issues.error([...path, 'limits', 'cpu'], `expected at least the CPU request (${requests.cpu}), got ${limits.cpu}`);
  }
  return { requests, limits };
}
