// `./gate.sh` → here. Thin: parse options, run the gate, map every outcome to the contract's exit codes.
import { resolveFleetgateByName } from './fleetgate-module.ts';
import { Command } from 'commander';
import { parseArgs } from './parse-args.ts';
import { readStdinSecrets, stopWhenStdinCloses } from './node-control.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { resolveOptions, runId, type RawOptions } from './options.ts';
import { Progress } from './report/progress.ts';
import { runGate } from './gate/run-gate.ts';
import { redact } from '../helpers/redact.ts';
import { endKeptThreads } from './gate/kept-threads.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const program = new Command('gate.sh')
  .description('Run the acceptance criteria of one node N times and say, per criterion, pass / flaky / broken / blocked.')
  .option('--profile <file>', 'target profile (YAML or JSON); default: the embedded reference stack, started for the run')
  .option('--role <role>', 'role whose specs run (must match the profile)')
  .option('--suite <name>', 'suite to run, repeatable (default: preflight)', collect)
  .option('--iterations <n>', 'how many times the whole selection runs', '5')
  .option('--grep <text>', 'only criteria whose full name matches')
  .option('--out <dir>', 'report directory (default: reports/<run-id>, linked from reports/latest)')
  .option('--allow-destructive', 'also run criteria tagged destructive (or FLEETGATE_ALLOW_DESTRUCTIVE=1)')
  .option('--list', 'show what would run, run nothing')
  .option('--suites <dir>', 'an operator\'s suites folder, run beside fleetgate\'s built-in suites')
  .option('--no-builtin-suites', 'with --suites: run only that folder, not fleetgate\'s built-in preflight')
  .option('--timeout <seconds>', 'abort the whole run after this long (exit 3, partial reports)')
  .option('--reference-node', 'with no --profile: reference node B alone, checked from this machine (the default is the reference fleet, the gate running on each node)')
  .option('--secrets-stdin', 'read {"secrets": {NAME: value}} for the profile\'s ${env:NAME} references from the first line of stdin')
  .option('--stop-on-stdin-eof', 'stop the run (exit 3, partial reports) when stdin closes: how a fleet controller stops a node')
  .showHelpAfterError('(see ./gate.sh --help)')
  .exitOverride();

async function main(argv: string[]): Promise<number> {
  // An operator's vars schema imports `fleetgate/schema` from a folder outside this package.
  resolveFleetgateByName();
  const parsed = parseArgs(program, argv);
  if (parsed !== undefined) return parsed;
  const id = runId();
  // On a node run by a fleet controller, progress goes back as JSON lines.
  const progress = new Progress((text) => process.stdout.write(text), Boolean(process.stdout.isTTY), process.env.FLEETGATE_PROGRESS === 'jsonl' ? 'jsonl' : 'text');
  try {
    const control = program.opts<{ secretsStdin?: boolean; stopOnStdinEof?: boolean }>();
    if (control.secretsStdin) await readStdinSecrets();
    const release = control.stopOnStdinEof ? stopWhenStdinCloses() : () => undefined;
    try {
      const options = resolveOptions(program.opts<RawOptions>(), id);
      // No profile: the embedded reference fleet, the gate ON each node (--reference-node: node B, from here).
      if (!options.profile && !options.referenceNode) {
        const { listReferenceFleet, runReferenceFleet } = await import('./commands/reference-fleet.ts');
        if (options.list) return await listReferenceFleet(options, progress);
        return await runReferenceFleet(options, id, { write: (text) => process.stdout.write(text), tty: Boolean(process.stdout.isTTY) });
      }
      return await runGate(options, id, progress);
    } finally {
      release();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`fleetgate: ${redact(error.message)}\n`);
      return EXIT.usage;
    }
    // Infrastructure trouble (docker, image build): say what, not where in our code.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`fleetgate: could not complete the run: ${redact(message)}\n`);
    if (process.env.FLEETGATE_DEBUG && error instanceof Error) process.stderr.write(`${redact(error.stack ?? '')}\n`);
    return EXIT.aborted;
  }
}

/** `./gate.sh <command> …` for what is not the gate itself; loaded only when asked for. */
async function subcommand(argv: string[]): Promise<number | undefined> {
  const [command, sub, ...rest] = argv.slice(2);
  const log = (line: string): void => void process.stdout.write(`${redact(line)}\n`);
  if (command === 'fleet') return (await import('./commands/fleet.ts')).fleet(argv.slice(3), (text) => process.stdout.write(text), Boolean(process.stdout.isTTY));
  if (command === 'report' && sub === 'merge') return (await import('./commands/report-merge.ts')).reportMerge(rest, log);
  if (command === 'report') {
    process.stderr.write('fleetgate: report: the command is "report merge DIR..."\n');
    return EXIT.usage;
  }
  return undefined;
}

const exitCode = (await subcommand(process.argv)) ?? (await main(process.argv));
// The gate's worker threads outlive each run (kept-threads.ts): end them, without waiting on a hung criterion.
await Promise.race([endKeptThreads(), new Promise((done) => setTimeout(done, 1_000).unref())]);
// Embedded Vitest sets process.exitCode itself, and a cancelled run still winding down may do so after
// this point: the gate's code is the one the process exits with.
process.exitCode = exitCode;
process.on('exit', () => void (process.exitCode = exitCode));
if (exitCode === EXIT.aborted) {
  // Everything is written and removed: a late repeat of the stop request must not turn exit 3 into a kill.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
  // An aborted run may leave a hung criterion's handles open; do not wait for them.
  setTimeout(() => process.exit(EXIT.aborted), 2_000).unref();
}
