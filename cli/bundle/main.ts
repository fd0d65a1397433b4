// `npm run bundle` / `./gate.sh bundle`: build the self-contained bundle a node runs the gate from.
import { Command } from 'commander';
import { parseArgs } from '../parse-args.ts';
import { join, resolve } from 'node:path';
import { EXIT, UsageError } from '../exit-codes.ts';
import { didYouMean } from '../../helpers/did-you-mean.ts';
import { rolesIn } from '../../helpers/suites-folder.ts';
import { ROOT } from '../../vitest.workspace.ts';
import { buildBundle } from './build.ts';

const program = new Command('fleetgate bundle')
  .description('Write dist/fleetgate-<version>-<role|all>-linux-<arch>.tar.gz (+ .sha256): Node runtime, traced dependencies, helpers, suites, gate.sh.')
  .option('--role <role>', 'only the suites of this role (default: every role)')
  .option('--out <dir>', 'where the tarball goes', 'dist')
  .showHelpAfterError('(see npm run bundle -- --help)')
  .exitOverride();

/** Any role name: an operator's roles need no folder of ours (the bundle then holds the shared specs). */
function checkedRole(role: string | undefined): string {
  if (role === undefined) return 'all';
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(role)) throw new UsageError(`--role: "${role}" is not a role name (lower-case letters, digits, . _ -)`);
  const known = rolesIn([join(ROOT, 'suites')]);
  if (known.length && !known.includes(role)) {
    const hint = didYouMean(role, known);
    if (hint) process.stderr.write(`fleetgate bundle: no suites/<suite>/${role}/ folder; did you mean "${hint}"? (bundling the shared specs only)\n`);
  }
  return role;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(program, argv);
  if (parsed !== undefined) return parsed;
  const options = program.opts<{ role?: string; out: string }>();
  try {
    const started = Date.now();
    const built = await buildBundle({ root: ROOT, role: checkedRole(options.role), outDir: resolve(options.out), log: (line) => process.stderr.write(`fleetgate: ${line}\n`) });
    const mb = (built.bytes / 1e6).toFixed(1);
    const { manifest: m } = built;
    process.stdout.write(`${built.tarball}\n  ${mb} MB, ${m.fileCount} files (${built.traced} from nft's trace, ${built.byHand.length} of its entry points named by hand; ${built.warnings} optional imports it could not resolve), Node ${m.node}, commit ${m.commit.slice(0, 12)}${m.dirty ? ' (dirty)' : ''}, ${((Date.now() - started) / 1000).toFixed(1)} s\n  sha256 ${built.sha256}\n`);
    return EXIT.pass;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`fleetgate bundle: ${message}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.aborted;
  }
}

process.exitCode = await main(process.argv);
