// `./gate.sh report merge DIR... [--out DIR]`: node report directories (fetched by Ansible, or kept by
// `fleet --keep`) → the fleet's junit.xml, results.json and fleet.md, and the node × suite matrix.
import { Command, CommanderError } from 'commander';
import { resolve, relative } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { OUTCOME_FILE, readNodeDir, type NodeReport } from '../fleet/node-report.ts';
import { matrixLines, writeFleetReports } from '../fleet/fleet-report.ts';
import { runId } from '../options.ts';
import { ROOT } from '../../vitest.workspace.ts';

export async function reportMerge(argv: readonly string[], log: (line: string) => void): Promise<number> {
  const program = new Command('gate.sh report merge')
    .description('Merge node report directories into one fleet report.')
    .argument('<dirs...>', `node report directories, each with a results.json (or an ${OUTCOME_FILE} saying why a node has none)`)
    .option('--out <dir>', 'where the fleet report goes (default: reports/fleet-<run-id>)')
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
    throw error;
  }
  const id = runId();
  const out = resolve(program.opts<{ out?: string }>().out ?? `${ROOT}/reports/fleet-${id}`);
  const nodes: NodeReport[] = [];
  for (const dir of program.args) {
    try {
      nodes.push(readNodeDir(resolve(dir), relative(out, resolve(dir)) || '.'));
    } catch (error) {
      process.stderr.write(`fleetgate: report merge: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const twice = nodes.find((n, i) => nodes.findIndex((m) => m.name === n.name) !== i);
  if (twice) {
    process.stderr.write(`fleetgate: report merge: node ${twice.name} appears twice: give each node's directory once\n`);
    return EXIT.usage;
  }
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  const times = nodes.flatMap((n) => (n.results ? [n.results.run] : []));
  const now = new Date().toISOString();
  const exitCode = writeFleetReports(out, {
    id, iterations: Math.max(0, ...times.map((t) => t.iterations)),
    startedAt: times.map((t) => t.startedAt).sort()[0] ?? now, finishedAt: times.map((t) => t.finishedAt).sort().at(-1) ?? now, aborted: null,
  }, nodes);
  for (const line of matrixLines(nodes, false)) log(line);
  log(`fleet report: ${out}`);
  return exitCode;
}
