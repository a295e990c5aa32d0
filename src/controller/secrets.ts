/** Reading the Secrets and ConfigMaps the controller is allowed to read (its Role names each one). */
import { RESOURCES } from '../kube/client';
import { ConfigMap, Secret, secretValue } from '../kube/objects';
import type { SecretKeyRef } from './api';
import type { ControllerContext } from './context';

/** A Secret's value; undefined when the Secret or the key does not exist. */
export async function readSecret(ctx: ControllerContext, ref: SecretKeyRef | undefined): Promise<string | undefined> {
  if (!ref) return undefined;
  const secret = await ctx.kube.get<Secret>(RESOURCES.secrets, ctx.namespace, ref.name);
  return secretValue(secret, ref.key)?.trim();
}

/** A CA bundle from a ConfigMap or a Secret. */
export async function readCa(
  ctx: ControllerContext,
  ca: { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly key: string } | undefined,
): Promise<Buffer | undefined> {
  if (!ca) return undefined;
  if (ca.kind === 'Secret') {
    const value = await readSecret(ctx, ca);
    return value === undefined ? undefined : Buffer.from(value);
  }
  const map = await ctx.kube.get<ConfigMap>(RESOURCES.configMaps, ctx.namespace, ca.name);
  const value = map?.data?.[ca.key];
  return value === undefined ? undefined : Buffer.from(value);
}
