/**
 * Every port axon-deploy renders or calls, defined once: the container port names (probes,
 * Services and monitors refer to ports by name) and their numbers.
 *
 * Axon Server (reference guide, "Configuration"; MessagingPlatformConfiguration): client gRPC
 * `axoniq.axonserver.port` 8124, node-to-node gRPC `axoniq.axonserver.internal-port` 8224, HTTP
 * `server.port` 8024 (UI, REST API). The Spring Boot actuator moves to its own port,
 * `management.server.port` (supported by Axon Server since 4.2, AxonIQ/axon-server-se PR #75):
 * Axon Server serves every `/actuator/**` endpoint without a token (WebSecurityConfigurer), so
 * the port a UI Ingress or HTTPRoute publishes must not carry it. 8025 is axon-deploy's choice.
 */

export const AXON_PORTS = { grpc: 8124, http: 8024, internal: 8224, management: 8025 } as const;
export type AxonPortName = keyof typeof AXON_PORTS;

/** The container port names of an Axon Server node (what probes, Services and monitors name). */
export const AXON_PORT_NAMES: Readonly<Record<AxonPortName, string>> = {
  grpc: 'grpc',
  http: 'http',
  internal: 'internal',
  management: 'management',
};

/** Service port of every app's Services (the container port is the app's own). */
export const APP_SERVICE_PORT = 80;
/** Container port names of an app: its HTTP port and, when it has one, its management port. */
export const APP_PORT_NAMES = { http: 'http', management: 'management' } as const;

/** The rollout controller's HTTP port: /metrics and /healthz. */
export const CONTROLLER_PORT = 8080;
