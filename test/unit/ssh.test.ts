import { expect, test } from 'vitest';
import { execa } from 'execa';
import { describeSshFailure, shellQuote } from '../../cli/fleet/transport/ssh.ts';

test.for([
  ['Host key verification failed.', 'the host key is unknown or changed (check known_hosts)'],
  ['ops@10.0.0.2: Permission denied (publickey).', 'authentication refused (key, user or agent)'],
  ['ssh: connect to host 127.0.0.1 port 1: Connection refused', 'connection refused (is sshd listening on that port?)'],
  ['ssh: connect to host 10.255.255.1 port 22: Connection timed out', 'connection timed out'],
  ['ssh: Could not resolve hostname nope.invalid: Name or service not known', 'host name does not resolve'],
  ['kex_exchange_identification: read: Connection reset by peer', 'kex_exchange_identification: read: Connection reset by peer'],
])('ssh says %j → one line: %s', ([stderr, line]) => {
  expect(describeSshFailure('ssh ops@h:22', stderr!)).toBe(`ssh ops@h:22: ${line}`);
});

test('a real refused connection is described as refused', async () => {
  const { stderr } = await execa('ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', '-p', '1', '127.0.0.1', 'true'], { reject: false });
  expect(describeSshFailure('ssh 127.0.0.1:1', stderr)).toBe('ssh 127.0.0.1:1: connection refused (is sshd listening on that port?)');
});

test('words reach the remote shell unchanged, whatever they hold', async () => {
  const words = ['plain', "it's", 'two words', '$HOME', '`id`', 'a"b', ''];
  const { stdout } = await execa('sh', ['-c', `printf '%s\\n' ${words.map(shellQuote).join(' ')}`]);
  expect(stdout.split('\n')).toEqual(words);
});
