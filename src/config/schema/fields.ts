/**
 * The building blocks of the config schema: checked strings, names, quantities, labels,
 * durations, resources and probe timings, placement, issuers and routes: each defined once.
 */
import { z } from 'zod';
import { dnsLabelProblem, dnsSubdomainProblem, labelKeyProblem, labelValueProblem, Problem, quantityProblem, QuantityKind } from '../formats';
import { ARGOCD_PREFIX } from '../../domain/keys';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Adds a check whose failure reads "expected …"; the loader appends what was found. */
export function checked<T extends z.ZodType>(schema: T, check: (value: z.output<T>) => string | Problem | undefined): T {
  return schema.superRefine((value, ctx) => {
    const problem = check(value);
    if (problem === undefined) return;
    const { message, hint } = typeof problem === 'string' ? { message: problem, hint: undefined } : problem;
    ctx.addIssue({ code: 'custom', message, params: hint ? { hint } : undefined });
  });
}

/** A record whose keys are checked too; a bad key is reported at the key. */
export function recordOf<V extends z.ZodType>(value: V, keyCheck: (key: string) => string | undefined) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      const problem = keyCheck(key);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key], params: { about: 'key' } });
    }
  });
}

export const name = (max: number, why: string) =>
  checked(z.string(), (v) => dnsLabelProblem(v, max, why)).meta({ pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: max });

export const objectName = () => checked(z.string(), dnsSubdomainProblem).meta({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 });

export const quantity = (kind: QuantityKind) =>
  checked(
    z.union([z.string(), z.number()], { error: `expected a quantity like ${kind === 'cpu' ? '500m or 2' : kind === 'memory' ? '4Gi' : '500Gi'}` }),
    (v) => quantityProblem(String(v), kind),
  );

export const labels = () => recordOf(checked(z.string(), labelValueProblem), labelKeyProblem);

export const seconds = (min: number) => z.int().min(min);

export const secretName = (what: string) => objectName().describe(`Name of the Secret holding ${what} (created outside axon-deploy: tokens and licences are referenced, never rendered).`);

interface ProbeDefaults { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }

/** Probe timing; the defaults differ per probe and are given where each probe is declared. */
export const probeTuning = (defaults: ProbeDefaults) =>
  z.strictObject({
    initialDelaySeconds: seconds(0).default(defaults.initialDelaySeconds).describe('Seconds after the container starts before the first probe.'),
    periodSeconds: seconds(1).default(defaults.periodSeconds).describe('Seconds between probes.'),
    timeoutSeconds: seconds(1).default(defaults.timeoutSeconds).describe('Seconds a probe may take before it counts as failed.'),
    failureThreshold: seconds(1).default(defaults.failureThreshold).describe('Consecutive failures before the probe fails.'),
  });

/** Readiness may require several successes; Kubernetes allows only 1 for startup and liveness. */
export const readinessTuning = (defaults: ProbeDefaults) =>
  probeTuning(defaults).extend({ successThreshold: seconds(1).default(1).describe('Consecutive successes before the probe passes again.') });

export const resources = (defaults: { cpu: string; memory: string }) =>
  z.strictObject({
    requests: z.strictObject({
      cpu: quantity('cpu').default(defaults.cpu).describe('CPU the scheduler reserves.'),
      memory: quantity('memory').default(defaults.memory).describe('Memory the scheduler reserves.'),
    }).prefault({}).describe('Resources reserved for each pod.'),
    limits: z.strictObject({
      cpu: quantity('cpu').optional().describe('CPU limit. Unset by default: a CPU limit throttles the JVM (garbage collection, replays) without protecting anyone.'),
      memory: quantity('memory').optional().describe('Memory limit. @default - the memory request (a pod never uses memory it did not reserve).'),
    }).default({}).describe('Resource limits.'),
  }).prefault({});

export const tolerationSchema = z.strictObject({
  key: z.string().optional().describe('Taint key.'),
  operator: z.enum(['Exists', 'Equal']).default('Equal').describe('How the value is compared.'),
  value: z.string().optional().describe('Taint value (with Equal).'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('Taint effect. @default - all effects'),
  tolerationSeconds: z.int().min(0).optional().describe('For NoExecute: how long the pod stays after the taint appears.'),
});

export const labelSelectorSchema = z.strictObject({
  matchLabels: labels().optional().describe('Labels the pods must have.'),
  matchExpressions: z.array(z.strictObject({
    key: checked(z.string(), labelKeyProblem).describe('Label key.'),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('How the values are compared.'),
    values: z.array(z.string()).optional().describe('Values (In, NotIn).'),
  })).optional().describe('Set-based requirements.'),
}).describe('A Kubernetes label selector.');

export const nodeSelectorTermSchema = z.strictObject({
  matchExpressions: z.array(z.strictObject({
    key: z.string().min(1).describe('Node label key.'),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']).describe('How the values are compared.'),
    values: z.array(z.string()).optional().describe('Values.'),
  })).min(1).describe('Requirements on node labels.'),
});

export const podAffinityTermSchema = z.strictObject({
  labelSelector: labelSelectorSchema,
  topologyKey: z.string().min(1).describe('Node label whose value defines the domain, e.g. kubernetes.io/hostname.'),
  namespaces: z.array(z.string()).optional().describe('Namespaces of the pods. @default - the pod\'s own'),
});

export const podAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTermSchema).optional().describe('Hard rules.'),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
    weight: z.int().min(1).max(100).describe('Weight (1-100).'),
    podAffinityTerm: podAffinityTermSchema,
  })).optional().describe('Soft rules.'),
});

/** The Kubernetes affinity fields, typed (a subset: what placement on pools and beside other pods needs). */
export const affinitySchema = z.strictObject({
  nodeAffinity: z.strictObject({
    requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeSelectorTermSchema).min(1) }).optional().describe('Hard rules: one of the terms must match.'),
    preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
      weight: z.int().min(1).max(100).describe('Weight (1-100).'),
      preference: nodeSelectorTermSchema,
    })).optional().describe('Soft rules.'),
  }).optional().describe('Which nodes the pods may or prefer to run on.'),
  podAffinity: podAffinitySchema.optional().describe('Pods to run near.'),
  podAntiAffinity: podAffinitySchema.optional().describe('Pods to keep away from.'),
}).describe('Kubernetes affinity (node affinity, pod affinity and anti-affinity).');

export const placementFields = {
  nodeSelector: labels().optional().describe('Node labels the pods require.'),
  tolerations: z.array(tolerationSchema).optional().describe('Tolerations, e.g. for a dedicated node pool.'),
  affinity: affinitySchema.optional(),
  priorityClassName: objectName().optional().describe('PriorityClass of the pods.'),
};

export const jsonPointer = () => z.string().regex(/^(\/([^~/]|~[01])*)*$/, { error: 'expected a JSON pointer like /spec/template/metadata/annotations/example' }).describe('JSON pointer (RFC 6901).');

export const duration = (example: string) => z.string().regex(/^(\d+h)?(\d+m)?(\d+s)?$/, { error: `expected a duration like ${example}` }).refine((v) => v !== '', { error: `expected a duration like ${example}` });

export const hostName = () => checked(z.string(), (v) => (/^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v) ? undefined : 'expected a host name like orders.example.com'));

/** A cert-manager issuer. */
export const issuerRefSchema = (what: string) => z.strictObject({
  kind: z.enum(['Issuer', 'ClusterIssuer']).default('ClusterIssuer').describe('Issuer kind.'),
  name: objectName().describe('Issuer name.'),
  group: z.string().default('cert-manager.io').describe('API group of the issuer (cert-manager.io, or an external issuer\'s).'),
}).describe(what);

/** Gateways an HTTPRoute attaches to. */
export const parentRefsSchema = (what: string) => z.array(z.strictObject({
  name: objectName().describe('Gateway name.'),
  namespace: name(63, 'namespace names are DNS labels').optional().describe('Gateway namespace. @default - the environment\'s namespace'),
  sectionName: z.string().optional().describe('Listener of the Gateway.'),
})).min(1).describe(what);

/** Annotations of an Ingress: the controller's; Argo CD's are axon-deploy's own (waves, options, hooks). */
export const ingressAnnotations = (what: string) => recordOf(z.string(), (k) => (k.startsWith(ARGOCD_PREFIX)
  ? 'expected an annotation of the Ingress controller: Argo CD annotations (sync waves, options, hooks) are set by axon-deploy'
  : labelKeyProblem(k))).default({}).describe(what);
