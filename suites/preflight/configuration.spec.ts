import { test, expect, currentProfile } from 'fleetgate';

// The platform's own tooling, run on the node: its config validator, then each of its checks (a
// `doctor`, a `registry check`). Each must exit 0 and, when it prints JSON, say ok: true.
const { config, role, checks } = currentProfile();
const commands = [
  ...(config ? [{ label: `the node configuration validates for role ${role}`, run: config.validate }] : []),
  ...checks.map((check) => ({ label: `${check.name} check passes on the node`, run: check.run })),
];

// A title of its own per command (test.for would clip an interpolated title, and with it the criterion id).
for (const { label, run } of commands) {
  test(label, async ({ node, evidence }) => {
    const [command, ...args] = run;
    const result = await node.run(command!, args);
    await evidence('output', result.json ?? result.stdout);
    expect(result).toSucceed();
    if (result.json !== undefined) expect(result.json, 'verdict').toMatchObject({ ok: true });
  });
}
