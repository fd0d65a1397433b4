// A gate run by a fleet controller (or Ansible) on a node: the secrets its profile names as ${env:NAME}
// arrive as the first line of stdin, never on a command line (`ps` shows those) nor in a file; with
// --stop-on-stdin-eof, stdin closing early means the controller wants the run stopped.
import { registerSecret } from '../helpers/redact.ts';
import { UsageError } from './exit-codes.ts';

/** Read `{"secrets": {NAME: value}}` from the first line of stdin into this process's environment. */
export async function readStdinSecrets(stdin: NodeJS.ReadStream = process.stdin): Promise<void> {
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0) return;
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      resolve(text.slice(0, end));
    };
    const onEnd = (): void => (text.trim() ? resolve(text) : reject(new UsageError('--secrets-stdin: stdin closed before a line of secrets arrived')));
    stdin.on('data', onData);
    stdin.once('end', onEnd);
  });
  let secrets: unknown;
  try {
    secrets = (JSON.parse(line) as { secrets?: unknown }).secrets;
  } catch {
    throw new UsageError('--secrets-stdin: the first line of stdin is not JSON like {"secrets": {"NAME": "value"}}');
  }
  if (!secrets || typeof secrets !== 'object') throw new UsageError('--secrets-stdin: expected {"secrets": {"NAME": "value"}} on the first line of stdin');
  for (const [name, value] of Object.entries(secrets as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new UsageError(`--secrets-stdin: secret ${name} is not a string`);
    registerSecret(value);
    process.env[name] = value;
  }
}

/**
 * When stdin ends, stop the run as a SIGTERM would: partial reports are written, nothing is left.
 * Returns the release, for when the run is over: an open stdin would keep the process alive.
 */
export function stopWhenStdinCloses(stdin: NodeJS.ReadStream = process.stdin): () => void {
  const stop = (): void => void process.kill(process.pid, 'SIGTERM');
  stdin.on('end', stop);
  stdin.resume();
  return () => {
    stdin.off('end', stop);
    stdin.destroy();
  };
}
