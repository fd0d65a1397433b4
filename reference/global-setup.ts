// Developer runs (`npx vitest run <spec>`): with no FLEETGATE_PROFILE, start reference node B for the
// run and remove it afterwards. The gate starts the stack itself and skips this.
import type { TestProject } from 'vitest/node';
import { PROFILE_ENV } from '../helpers/target.ts';
import { ArenaStack } from './stack.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env[PROFILE_ENV]) return undefined;
  const log = (line: string): void => project.vitest.logger.log(`[fleetgate] ${line}`);
  const stack = await new ArenaStack().withMutant(process.env.ARENA_MUTANT).withLog(log).start();
  stack.exportSecrets();
  process.env[PROFILE_ENV] = stack.writeProfile();
  return async () => {
    delete process.env[PROFILE_ENV];
    await stack.stop();
    log('reference node B removed');
  };
}
