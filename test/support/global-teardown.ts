/** Jest global teardown: stops the API server of the run by pid. */
import type { ApiServer } from '../../src/validate/api-server';

export default function globalTeardown(): void {
  (globalThis as { axonDeployApiServer?: ApiServer }).axonDeployApiServer?.stop();
}
