/**
 * What every pass of the controller works with: the Kubernetes client, the namespace, how to
 * reach Axon Server's nodes, the clock and the log. Built once by run.ts.
 */
import type { AxonPort } from '../axon/client';
import type { KubeClient } from '../kube/client';
import type { Metrics } from './metrics';

export interface ControllerContext {
  readonly kube: KubeClient;
  readonly namespace: string;
  /** Overrides where a node's port is (tests, or a controller outside the cluster); default: its cluster DNS name. */
  readonly axonEndpoint?: (node: string, port: AxonPort) => string;
  /** Milliseconds an Axon Server request may take. */
  readonly axonTimeoutMs: number;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly log: (line: string) => void;
}
