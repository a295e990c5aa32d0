/**
 * The CustomResourceDefinitions of the rollout controller's API (api.ts), as plain objects:
 * rendered once per cluster into dist/cluster/, installed before the environments.
 */
import { API_GROUP, API_VERSION, APP_RELEASE_KIND, NODE_ROLLOUT_KIND } from './api';

type Schema = Readonly<Record<string, unknown>>;

const str = (description: string): Schema => ({ type: 'string', description });
const int = (description: string): Schema => ({ type: 'integer', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const obj = (description: string, properties: Readonly<Record<string, Schema>>, required: string[] = []): Schema => ({
  type: 'object',
  description,
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const arr = (description: string, items: Schema): Schema => ({ type: 'array', description, items });
const secretRef = (description: string) =>
  obj(description, { name: str('Secret name.'), key: str('Key in the Secret.') }, ['name', 'key']);

const NODE_ROLLOUT_SPEC = obj(
  'How the Axon Server nodes roll (rendered by axon-deploy synth; never edited by hand).',
  {
    edition: { type: 'string', enum: ['standard', 'enterprise'], description: 'Axon Server edition.' },
    bootstrapNode: str('The node that forms a clean cluster.'),
    nodes: arr(
      'The nodes, in the order they restart.',
      obj(
        'A node.',
        {
          name: str('Node name.'),
          statefulSet: str('Its StatefulSet.'),
          pod: str('Its pod.'),
          dataClaim: str('The claim of its data volume.'),
          admin: bool('Member of _admin.'),
          voter: bool('PRIMARY or ACTIVE_BACKUP somewhere.'),
          groups: arr('Its replication groups and roles.', obj('A role.', { name: str('Group.'), role: str('Role.') })),
        },
        ['name', 'statefulSet', 'pod'],
      ),
    ),
    groups: arr(
      'Replication groups with the role of each node.',
      obj('A group.', {
        name: str('Group.'),
        roles: arr('Roles.', obj('A role.', { node: str('Node.'), role: str('Role.') })),
      }),
    ),
    axonServer: obj('How the controller reaches Axon Server.', {
      scheme: { type: 'string', enum: ['http', 'https'], description: 'Scheme of 8024.' },
      domain: str('DNS domain of the nodes.'),
      httpPort: int('HTTP port (REST API).'),
      managementPort: int('Actuator port.'),
      systemToken: secretRef('The system token.'),
      ca: obj('CA of 8024.', { kind: str('ConfigMap or Secret.'), name: str('Name.'), key: str('Key.') }),
    }),
    registration: obj('What the controller registers.', {
      apps: arr(
        'Applications.',
        obj('An application.', {
          name: str('Name.'),
          roles: arr(
            'Roles per context.',
            obj('Roles in a context.', { context: str('Context.'), roles: arr('Roles.', str('A role.')) }),
          ),
          token: secretRef('Its token.'),
        }),
      ),
      users: arr(
        'Users.',
        obj('A user.', {
          userName: str('User name.'),
          roles: arr('ROLE@context.', str('A role.')),
          password: secretRef('Its password.'),
        }),
      ),
    }),
    rollout: obj('Bounds.', {
      maxLagEntries: int('Entries behind the leader that still count as caught up.'),
      settleSeconds: int('Seconds a restarted node is ready before the next restart.'),
      stuckAfterSeconds: int('Seconds waiting for one reason before Degraded.'),
      minActiveBackups: int('ACTIVE_BACKUP nodes a write waits for.'),
      paused: { type: 'boolean', description: 'Hold every restart of a running node.' },
    }),
  },
  ['edition', 'bootstrapNode', 'nodes', 'groups', 'axonServer', 'rollout'],
);

const PHASE = {
  type: 'string',
  enum: ['SCHEDULED', 'INITIALISING', 'SERVING', 'STANDING_BY', 'CLEANING_UP', 'OBSOLETE'],
  description: 'A phase of the life cycle.',
};
const SCALE = obj(
  'Pods in a phase.',
  { replicas: int("Replicas (an autoscaler's floor)."), maxReplicas: int("An autoscaler's ceiling.") },
  ['replicas'],
);
const COLOR_SPEC = obj(
  'A colour of the app.',
  {
    version: str('Version.'),
    phase: PHASE,
    deployment: str('Its Deployment.'),
    component: str('Its component name in Axon Server.'),
    autoscaler: str('Its HorizontalPodAutoscaler.'),
    scale: obj('Its scale per running phase.', { SERVING: SCALE, INITIALISING: SCALE, STANDING_BY: SCALE }),
    database: str('Its read-model database.'),
    databaseJob: str('The Job that creates its database.'),
    cleanupJob: obj('Its cleanup Job (autoPromote).', {
      name: str('Job name.'),
      spec: { type: 'object', description: 'The Job spec.', 'x-kubernetes-preserve-unknown-fields': true },
    }),
  },
  ['version', 'phase', 'deployment', 'component', 'scale'],
);

const APP_RELEASE_SPEC = obj(
  'A blue/green app as Git declares it (rendered by axon-deploy synth; never edited by hand).',
  {
    app: str('App name.'),
    context: str('Axon Server context.'),
    colors: obj('The colours.', { blue: COLOR_SPEC, green: COLOR_SPEC }, ['blue', 'green']),
    objects: obj('The objects whose fields the controller owns.', {
      liveService: str('The live Service (its selector).'),
      previewService: str('The preview Service (its selector).'),
      podDisruptionBudget: str('The disruption budget (its selector).'),
      releaseConfigMap: str('The release files (their data).'),
    }),
    promotion: obj('Guards of a switch.', {
      processors: bool('Check the streaming processors.'),
      maxLagEvents: int('Events behind the head that still count as caught up.'),
      ignoredProcessors: arr('Processors left out (side effects).', str('A processor.')),
      timeoutSeconds: int('Seconds a switch may wait before it fails.'),
      droppedHandlers: arr('Commands and queries the new version no longer handles.', str('A name.')),
    }),
    autoPromote: obj('Walk the release without commits.', { standBySeconds: int('Seconds the old colour stands by.') }),
    axonServer: obj('Where the controller asks Axon Server.', {
      scheme: { type: 'string', enum: ['http', 'https'], description: 'Scheme of 8024.' },
      domain: str('DNS domain of the nodes.'),
      httpPort: int('REST port.'),
      nodes: arr('Nodes that serve the context.', str('A node.')),
      token: secretRef("The controller's token."),
      ca: obj('CA of 8024.', { kind: str('ConfigMap or Secret.'), name: str('Name.'), key: str('Key.') }),
    }),
  },
  ['app', 'context', 'colors', 'objects', 'promotion', 'axonServer'],
);

/** A CRD of one kind in the axon-deploy.io group, with a status subresource and printer columns. */
function crd(kind: string, plural: string, shortName: string, spec: Schema, description: string): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${API_GROUP}`,
      labels: { 'app.kubernetes.io/name': 'axon-deploy', 'app.kubernetes.io/managed-by': 'axon-deploy' },
      // Deleting a CRD deletes every object of its kind: never pruned, never deleted with an Application.
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
    },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames: [shortName] },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Message', type: 'string', jsonPath: '.status.message' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description,
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: {
                  type: 'object',
                  description: 'Written by the axon-deploy rollout controller.',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
              required: ['spec'],
            },
          },
        },
      ],
    },
  };
}

/** Every CRD of axon-deploy's API. */
export function customResourceDefinitions(): Schema[] {
  return [
    crd(
      NODE_ROLLOUT_KIND,
      'noderollouts',
      'axnr',
      NODE_ROLLOUT_SPEC,
      "How an environment's Axon Server nodes restart: one at a time, when the cluster can afford it (axon-deploy rollout controller).",
    ),
    crd(
      APP_RELEASE_KIND,
      'appreleases',
      'axar',
      APP_RELEASE_SPEC,
      'A blue/green app: which colour serves, switched only when it is ready (axon-deploy rollout controller).',
    ),
  ];
}
