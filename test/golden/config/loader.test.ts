import { loadConfigDirectory } from '../../../src/config/loader';
import { diagnose, FIXTURE_CONFIG, ROOT } from '../../support/helpers';

/** A small valid standard-edition environment; tests change one thing at a time. */
const DEV = `environment: dev
namespace: orders-dev
axonServer:
  edition: standard
  image: axoniq/axonserver:2025.1.5-jdk-17-nonroot
  nodes:
    - name: axonserver
      volumes:
        events: { size: 10Gi }
        data: { size: 1Gi }
        log: { size: 1Gi }
`;

describe('the fixture configuration', () => {
  const result = loadConfigDirectory(FIXTURE_CONFIG, ROOT);

  it('loads dev, prod and staging without problems, skipping _base.yaml', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.environments.map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
  });

  it('accepts the reference prod.yaml as written', () => {
    const prod = result.environments.find((e) => e.name === 'prod')!.config;
    expect(prod.namespace).toBe('orders-prod');
    expect(prod.axonServer.nodes.map((n) => n.name)).toEqual(['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-archive-1', 'axonserver-archive-2']);
    expect(prod.axonServer.properties).toEqual({ 'axoniq.axonserver.event.segment-size': '256MB' });
    expect(prod.apps.map((a) => a.release.strategy)).toEqual(['blueGreen', 'rolling']);
    // defaults filled in where the file is silent
    expect(prod.axonServer.probes.startup).toEqual({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 });
    expect(prod.axonServer.probes.liveness.timeoutSeconds).toBe(5);
  });

  it('merges extends: maps merge key by key, lists replace', () => {
    const staging = result.environments.find((e) => e.name === 'staging')!.config;
    expect(staging.labels).toEqual({ team: 'orders' }); // from _base.yaml
    expect(staging.axonServer.image).toBe('axoniq/axonserver:2025.1.5-jdk-17-nonroot'); // from _base.yaml
    expect(staging.axonServer.resources.requests).toEqual({ cpu: '500m', memory: '2Gi' }); // from _base.yaml
    expect(staging.argocd).toMatchObject({ repoURL: 'https://git.example.com/platform/orders-deploy.git', destination: { name: 'staging' } });
  });
});

describe('error messages', () => {
  it('names file, line, column and field of a bad quantity, and what was found', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('events: { size: 10Gi }', 'events: { size: 500GB }') });
    expect(lines).toEqual([
      'config/dev.yaml:9:25 axonServer.nodes[0].volumes.events.size: expected a quantity like 500Gi, got "500GB" (Kubernetes has no "GB": write 500Gi for 500 GiB or 500G for 500 GB)',
    ]);
  });

  it('reports a misspelt key at the key, with the closest valid key', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('    - name: axonserver\n', '    - name: axonserver\n      zonne: europe-west4-a\n') });
    expect(lines).toEqual([
      'config/dev.yaml:8:7 axonServer.nodes[0].zonne: unknown key "zonne" (did you mean "zone"?); allowed here: name, zone, tags, resources, jvm, scheduling, volumes',
    ]);
  });

  it('reports a wrong type with what YAML made of the value', () => {
    const { lines } = diagnose({ 'dev.yaml': `${DEV}  terminationGracePeriodSeconds: two minutes\n` });
    expect(lines).toEqual(['config/dev.yaml:12:34 axonServer.terminationGracePeriodSeconds: expected a whole number, got "two minutes"']);
  });

  it('tells the user to quote a version that YAML read as a number', () => {
    const app = `apps:\n  - name: web\n    image: example.com/web\n    release: { strategy: rolling, version: 1.50 }\n`;
    const { lines } = diagnose({ 'dev.yaml': DEV + app });
    expect(lines).toEqual([
      'config/dev.yaml:15:44 apps[0].release.version: expected a version string, got 1.50 (YAML reads 1.50 as a number: write "1.50" in quotes)',
    ]);
  });

  it('suggests the closest allowed value', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('edition: standard', 'edition: standart') });
    expect(lines).toEqual(['config/dev.yaml:4:12 axonServer.edition: expected one of standard, enterprise, got "standart" (did you mean standard?)']);
  });

  it('reports a missing required field at the map that lacks it', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('  image: axoniq/axonserver:2025.1.5-jdk-17-nonroot\n', '') });
    expect(lines).toEqual(['config/dev.yaml:4:3 axonServer.image: missing required field "image"']);
  });

  it('reports YAML syntax errors with line and column', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('events: { size: 10Gi }', 'events: { size: 10Gi') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config\/dev\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('reports duplicate keys with both lines and the field path', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('namespace: orders-dev\n', 'namespace: orders-dev\nnamespace: orders-dev2\n') });
    expect(lines).toEqual(['config/dev.yaml:3:1 namespace: duplicate key "namespace" (first written at line 2): remove one of them']);
  });

  it('requires the environment to match the file name', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV.replace('environment: dev', 'environment: development') });
    expect(lines).toEqual(['config/dev.yaml:1:14 environment: expected "dev" (the file name: config/dev.yaml is synthesized to dist/dev), got "development"']);
  });

  it('reports every problem in every file at once, sorted by file and line', () => {
    const { lines } = diagnose({
      'dev.yaml': DEV.replace('edition: standard', 'edition: 1'),
      'test.yaml': DEV.replace('environment: dev', 'environment: test').replace('namespace: orders-dev', 'namespace: Orders'),
    });
    expect(lines).toEqual([
      'config/dev.yaml:4:12 axonServer.edition: expected one of standard, enterprise, got 1',
      'config/test.yaml:2:12 namespace: expected a name of lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, got "Orders"',
    ]);
  });

  it('points errors that come from a base file at the base file', () => {
    const { lines } = diagnose({
      '_base.yaml': 'axonServer:\n  imagePullPolicy: Sometimes\n',
      'dev.yaml': `extends: _base.yaml\n${DEV}`,
    });
    expect(lines).toEqual(['config/_base.yaml:2:20 axonServer.imagePullPolicy: expected one of IfNotPresent, Always, Never, got "Sometimes"']);
  });
});

describe('extends', () => {
  it('reports a cycle', () => {
    const { lines } = diagnose({
      '_a.yaml': 'extends: _b.yaml\n',
      '_b.yaml': 'extends: _a.yaml\n',
      'dev.yaml': `extends: _a.yaml\n${DEV}`,
    });
    expect(lines).toEqual(['config/_b.yaml:1:10 extends: extends cycle: _a.yaml → _b.yaml → _a.yaml']);
  });

  it('names a missing base and suggests the closest one', () => {
    const { lines } = diagnose({ '_base.yaml': 'labels: { team: x }\n', 'dev.yaml': `extends: _bsae.yaml\n${DEV}` });
    expect(lines).toEqual(['config/dev.yaml:1:10 extends: base file "_bsae.yaml" not found (looked for config/_bsae.yaml); did you mean "_base.yaml"?']);
  });

  it('refuses an environment file as a base', () => {
    const { lines } = diagnose({ 'dev.yaml': DEV, 'test.yaml': `extends: dev.yaml\n${DEV.replace('environment: dev', 'environment: test')}` });
    expect(lines).toEqual(['config/test.yaml:1:10 extends: expected a base file whose name starts with "_", got "dev.yaml" (files without "_" are environments)']);
  });

  it('replaces lists instead of merging them', () => {
    const base = `${DEV.replace('environment: dev\nnamespace: orders-dev\n', '')}`;
    const { models, lines } = diagnose({
      '_base.yaml': base,
      'dev.yaml': 'extends: _base.yaml\nenvironment: dev\nnamespace: orders-dev\naxonServer:\n  nodes:\n    - name: only\n      volumes: { events: { size: 1Gi }, data: { size: 1Gi }, log: { size: 1Gi } }\n',
    });
    expect(lines).toEqual([]);
    expect(models[0].axonServer.nodes.map((n) => n.name)).toEqual(['only']);
  });
});

describe('the config directory', () => {
  it('says so when there is no environment file', () => {
    const { lines } = diagnose({ '_base.yaml': 'labels: {}\n' });
    expect(lines).toEqual([expect.stringMatching(/^no environment files \(<env>\.yaml\) in .*config$/)]);
  });

  it('refuses a file name that is not a valid environment name', () => {
    const { lines } = diagnose({ 'Prod.yaml': DEV });
    expect(lines).toEqual(['config/Prod.yaml:1:1: the file name is the environment name: expected a name of lowercase letters, digits and "-", starting with a letter and ending with a letter or digit']);
  });
});

describe('text encodings', () => {
  it('accepts a UTF-8 file with a byte-order mark and CRLF line ends, positions unchanged', () => {
    const text = `\uFEFF${DEV}apps: []\n`.replace(/\n/g, '\r\n');
    const { lines, models } = diagnose({ 'dev.yaml': text });
    expect(lines).toEqual([]);
    expect(models.map((m) => m.name)).toEqual(['dev']);
    const broken = diagnose({ 'dev.yaml': text.replace('namespace', 'namespaec') });
    expect(broken.lines.filter((l) => l.startsWith('config/dev.yaml:2:1 namespaec: unknown key "namespaec" (did you mean "namespace"?)'))).toHaveLength(1);
  });

  it('reads YAML 1.2: yes, no and on are strings where a string is wanted', () => {
    const { lines, models } = diagnose({ 'dev.yaml': `${DEV}labels: { answer: "yes", switch: on, team: no }\n` });
    expect(lines).toEqual([]);
    expect(models[0].axonServer.nodes[0].pod.labels).toMatchObject({ answer: 'yes', switch: 'on', team: 'no' });
  });
});
