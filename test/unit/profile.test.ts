import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { checkMachine, checkProfileVars, loadProfile, parseProfile, ProfileError } from '../../helpers/profile/load.ts';
import { loadVarsSchemas } from '../../helpers/profile/vars.ts';
import { resolveFleetgateByName } from '../../cli/fleetgate-module.ts';
import { redact } from '../../helpers/redact.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetgate-profile-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function profileFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const VALID = `node: b1
role: control-plane
postgres:
  - name: db
    host: 10.0.0.2
    database: arena
    user: arena
    password: \${env:FG_TEST_DB_PASSWORD}
`;

afterEach(() => {
  delete process.env.FG_TEST_DB_PASSWORD;
});

function loadError(file: string): ProfileError {
  try {
    loadProfile(file);
  } catch (error) {
    if (error instanceof ProfileError) return error;
    throw error;
  }
  throw new Error('expected a ProfileError');
}

describe('a valid profile', () => {
  test('loads with defaults and resolves ${env:…} secrets, which are then redacted everywhere', () => {
    process.env.FG_TEST_DB_PASSWORD = 'correct-horse-battery';
    const profile = loadProfile(profileFile('ok.yaml', VALID));
    expect(profile.postgres[0]).toMatchObject({ port: 5432, maxLatencyMs: 500, password: 'correct-horse-battery', tables: [] });
    expect(profile.transport).toEqual({ kind: 'local' });
    expect(redact('password=correct-horse-battery')).toBe('password=[redacted]');
  });

  test('resolves ${file:…} relative to the profile and accepts JSON', () => {
    profileFile('db.secret', 'from-a-file-secret\n');
    const json = JSON.stringify({ node: 'b1', role: 'vpn', redis: [{ name: 'cache', host: 'h', password: '${file:db.secret}' }] });
    expect(loadProfile(profileFile('ok.json', json)).redis[0]!.password).toBe('from-a-file-secret');
  });

  test('names the platform\'s own checks, none by default', () => {
    process.env.FG_TEST_DB_PASSWORD = 'checks-test-password';
    expect(loadProfile(profileFile('no-checks.yaml', VALID)).checks).toEqual([]);
    const profile = loadProfile(profileFile('checks.yaml', `${VALID}checks:\n  - { name: drift, run: [tool, drift, --json] }\n`));
    expect(profile.checks).toEqual([{ name: 'drift', run: ['tool', 'drift', '--json'] }]);
  });
});

describe('a bad profile names file, line and field', () => {
  test.for([
    ['inline secret', VALID.replace('${env:FG_TEST_DB_PASSWORD}', 'hunter2'), /inline-secret.yaml:8: postgres\[0\]\.password: a secret reference like \$\{env:NAME\}/],
    ['unknown field', VALID.replace('    user: arena', '    usr: arena'), /unknown-field.yaml:7: postgres\[0\]\.usr: unknown field; did you mean "user"\?/],
    ['role not a name', VALID.replace('control-plane', 'Control Plane'), /role-not-a-name.yaml:2: role: a lower-case name/],
    ['missing field', VALID.replace('node: b1\n', ''), /missing-field.yaml(:\d+)?: node: required/],
    ['wrong type', VALID.replace('    host: 10.0.0.2', '    host: 10.0.0.2\n    port: "fivefour"'), /wrong-type.yaml:6: postgres\[0\]\.port: .*number/],
    ['not YAML', 'node: [unclosed', /not-YAML.yaml:1: not valid YAML or JSON/],
    ['duplicate name', `${VALID}  - { name: db, host: h2, database: d, user: u, password: "\${env:FG_TEST_DB_PASSWORD}" }\n`, /duplicate-name.yaml:9: postgres\[1\]\.name: duplicate name "db" \(also postgres\[0\]\)/],
    ['check without a command', `${VALID}checks:\n  - { name: drift, run: [] }\n`, /check-without-a-command.yaml:10: checks\[0\]\.run: .*>=1/],
    ['duplicate check', `${VALID}checks:\n  - { name: a, run: [x] }\n  - { name: a, run: [y] }\n`, /duplicate-check.yaml:11: checks\[1\]\.name: duplicate name "a" \(also checks\[0\]\)/],
    ['credentials in a URL', `${VALID}http:\n  - { name: api, url: "https://admin:pw@h/" }\n`, /credentials-in-a-URL.yaml:10: http\[0\]\.url: credentials in a URL are refused/],
  ])('%s', ([name, text, message]) => {
    const file = profileFile(`${(name as string).replace(/ /g, '-')}.yaml`, text as string);
    const error = loadError(file);
    expect(error.message).toMatch(message as RegExp);
    expect(error.message).not.toContain('\n');
  });

  test('an unset secret variable names the variable and the field', () => {
    const error = loadError(profileFile('unset.yaml', VALID));
    expect(error.message).toMatch(/unset.yaml:8: postgres\[0\]\.password: environment variable FG_TEST_DB_PASSWORD is not set/);
  });

  test('an unreadable profile says so', () => {
    expect(loadError(join(dir, 'absent.yaml')).message).toMatch(/absent.yaml: cannot read the profile \(ENOENT\)/);
  });
});

test('the documented example profile is valid', () => {
  process.env.ARENA_DB_PASSWORD ??= 'example-db-password';
  process.env.ARENA_REDIS_PASSWORD ??= 'example-redis-password';
  const profile = loadProfile(join(import.meta.dirname, '../../reference/profiles/example.yaml'));
  expect(profile).toMatchObject({ node: 'arena-b', role: 'control-plane', http: [{ name: 'api' }, { name: 'api-tls', insecure: true }] });
});

describe('http Basic auth and the platform\'s own checks', () => {
  const REGISTRY = `node: a1
role: registry
checks:
  - { name: registry, run: [arena, registry, check, --json] }
http:
  - name: registry
    url: https://127.0.0.1:5000
    health: /v2/
    auth: { user: ctf, password: "\${env:FG_TEST_REGISTRY_PASSWORD}" }
`;
  afterEach(() => {
    delete process.env.FG_TEST_REGISTRY_PASSWORD;
  });

  test('an endpoint\'s password is a secret reference, resolved and then redacted; checks keep their command', () => {
    process.env.FG_TEST_REGISTRY_PASSWORD = 'registry-secret-value';
    const profile = loadProfile(profileFile('registry.yaml', REGISTRY));
    expect(profile.http[0]!.auth).toEqual({ user: 'ctf', password: 'registry-secret-value' });
    expect(profile.checks).toEqual([{ name: 'registry', run: ['arena', 'registry', 'check', '--json'] }]);
    expect(redact('registry password registry-secret-value')).toBe('registry password [redacted]');
  });

  test.for([
    ['inline auth password', REGISTRY.replace('${env:FG_TEST_REGISTRY_PASSWORD}', 'hunter22'), /http\[0\]\.auth\.password: a secret reference like \$\{env:NAME\}/],
    ['auth without user', REGISTRY.replace('user: ctf, ', ''), /http\[0\]\.auth\.user: required for HTTP Basic/],
    ['auth with a token and a user', REGISTRY.replace('user: ctf, ', 'user: ctf, token: "${env:FG_TEST_REGISTRY_PASSWORD}", '), /http\[0\]\.auth\.user: give either token/],
    ['an inline token', REGISTRY.replace(/auth: \{.*\}$/m, 'auth: { token: hunter2-inline }'), /http\[0\]\.auth\.token: a secret reference/],
    ['empty check command', REGISTRY.replace('run: [arena, registry, check, --json]', 'run: []'), /checks\[0\]\.run: .*/],
    ['duplicate check name', REGISTRY.replace('http:', '  - { name: registry, run: ["true"] }\nhttp:'), /checks\[1\]\.name: duplicate name "registry" \(also checks\[0\]\)/],
  ])('%s is refused with the field named', ([name, text, message]) => {
    process.env.FG_TEST_REGISTRY_PASSWORD = 'registry-secret-value';
    expect(loadError(profileFile(`${(name as string).replace(/ /g, '-')}.yaml`, text as string)).message).toMatch(message as RegExp);
  });
});

describe('the operator\'s own roles and vars', () => {
  const LB = `node: lb1
role: lb
vars:
  backends:
    - { name: web1, url: "http://10.0.0.11:8080" }
    - { name: web2, url: "http://10.0.0.12:8080" }
  maxBackendLatencyMs: 300
  statsPassword: \${env:FG_TEST_STATS}
`;

  test('any role name is a role; vars keep their shape and resolve references anywhere inside', () => {
    process.env.FG_TEST_STATS = 'stats-secret-value';
    const profile = loadProfile(profileFile('lb.yaml', LB));
    expect(profile.role).toBe('lb');
    expect(profile.vars).toEqual({
      backends: [{ name: 'web1', url: 'http://10.0.0.11:8080' }, { name: 'web2', url: 'http://10.0.0.12:8080' }],
      maxBackendLatencyMs: 300,
      statsPassword: 'stats-secret-value',
    });
    expect(redact('stats-secret-value')).toBe('[redacted]');
    delete process.env.FG_TEST_STATS;
  });

  test('a suites folder\'s vars schema (importing fleetgate/schema by name) checks vars with file:line field errors', async () => {
    resolveFleetgateByName();
    const suites = mkdtempSync(join(dir, 'suites-'));
    writeFileSync(join(suites, 'vars.schema.ts'), [
      "import { z } from 'fleetgate/schema';",
      'export default z.object({',
      '  backends: z.array(z.object({ name: z.string(), url: z.url() })).min(1),',
      '  maxBackendLatencyMs: z.number().int().positive(),',
      '  statsPassword: z.string().min(8),',
      '});',
    ].join('\n'));
    const schemas = await loadVarsSchemas([suites]);
    process.env.FG_TEST_STATS = 'stats-secret-value';
    const good = profileFile('lb-good.yaml', LB);
    await expect(checkProfileVars(good, parseProfile(good), schemas)).resolves.toBeUndefined();
    const bad = profileFile('lb-bad.yaml', LB.replace('maxBackendLatencyMs: 300', 'maxBackendLatencyMs: fast'));
    await expect(checkProfileVars(bad, parseProfile(bad), schemas)).rejects.toThrow(
      new RegExp(`lb-bad.yaml:7: vars.maxBackendLatencyMs: expected number, received string \\(checked by .*vars.schema.ts\\)$`),
    );
    const badUrl = profileFile('lb-bad-url.yaml', LB.replace('http://10.0.0.12:8080', 'not a url'));
    await expect(checkProfileVars(badUrl, parseProfile(badUrl), schemas)).rejects.toThrow(/lb-bad-url.yaml:6: vars.backends\[1\]\.url: /);
    delete process.env.FG_TEST_STATS;
  });

  test('a vars schema file that exports no schema is named', async () => {
    const suites = mkdtempSync(join(dir, 'suites-'));
    writeFileSync(join(suites, 'vars.schema.ts'), 'export const nothing = 1;\n');
    await expect(loadVarsSchemas([suites])).rejects.toThrow(/vars.schema.ts: export a schema as default/);
  });
});

describe('a profile pinned to its machine (match:)', () => {
  const here = { hostname: 'b1', machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4' };
  const pinned = (match: string): string => profileFile('pinned.yaml', `node: b1\nrole: control-plane\nmatch:\n${match}`);

  test('runs on that machine', () => {
    expect(() => checkMachine(pinned(`  hostname: b1\n  machineId: ${here.machineId}\n`), parseProfile(join(dir, 'pinned.yaml')), here)).not.toThrow();
  });

  test.for([
    ['  hostname: b2\n', /pinned.yaml:3: match: this profile is for node b1 \(hostname "b2", this one is "b1"\): run the gate on that node, not against it from here/],
    ['  machineId: 0123456789abcdef0123456789abcdef\n', /machine-id 0123456789abcdef0123456789abcdef, this one is 3d1219c7/],
  ])('refuses anywhere else: %j', ([match, message]) => {
    const file = pinned(match as string);
    expect(() => checkMachine(file, parseProfile(file), here)).toThrow(message as RegExp);
  });

  test('a pin must say something', () => {
    expect(loadError(pinned('  {}\n'.replace('  {}', '  hostname: ""'))).message).toMatch(/match.hostname/);
  });
});
