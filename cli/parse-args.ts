// Commander with exitOverride(): parse, and turn --help / a usage mistake into the contract's exit code.
import { CommanderError, type Command } from 'commander';
import { EXIT } from './exit-codes.ts';

/** undefined when the command should go on; else the exit code (0 after --help, 2 for bad usage). */
export function parseArgs(program: Command, argv: string[]): number | undefined {
  try {
    program.parse(argv);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
    throw error;
  }
}
