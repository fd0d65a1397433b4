// Developer runs (`npx vitest run <spec>`): validate FLEETGATE_PROFILE once, or, with none set, start
// reference node B for the run and remove it afterwards. The gate does both itself and skips this.
import type { TestProject } from 'vitest/node';
import { COMPILED_PROFILE_ENV, PROFILE_ENV } from '../helpers/target.ts';
import { compileProfile } from '../helpers/profile/compile.ts';
import { redactTerminal } from '../helpers/redact.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env[COMPILED_PROFILE_ENV]) return undefined; // the gate, or another project, did it
  // Vitest's own reporter prints what specs assert; keep secrets out of it.
  const restoreTerminal = redactTerminal();
  const log = (line: string): void => project.vitest.logger.log(`[fleetgate] ${line}`);
  if (process.env[PROFILE_ENV]) {
    const compiled = await compileProfile(process.env[PROFILE_ENV]);
    return async () => {
      compiled.remove();
      restoreTerminal();
    };
  }
  const { ArenaStack } = await import('./stack.ts');
  const stack = await new ArenaStack().withMutant(process.env.ARENA_MUTANT).withLog(log).start();
  stack.exportSecrets();
  const compiled = await compileProfile(stack.writeProfile());
  return async () => {
    compiled.remove();
    delete process.env[PROFILE_ENV];
    await stack.stop();
    log('reference node B removed');
    restoreTerminal();
  };
}
