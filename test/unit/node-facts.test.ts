import { describe, expect, test } from 'vitest';
import { compareVersions, parseDf, parseMemory, parseVersion } from '../../helpers/node-facts.ts';

test.for([
  ['psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)', '15.18'],
  ['Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64', '7.0.15'],
  ['OpenSSL 3.0.20 1 Sep 2026 (Library: OpenSSL 3.0.20)', '3.0.20'],
  ['Python 3.11.2', '3.11.2'],
  ['no digits here', undefined],
])('parseVersion(%j) is %j', ([text, version]) => {
  expect(parseVersion(text!)).toBe(version);
});

test('compareVersions compares numerically, not as text', () => {
  expect(compareVersions('15.18', '15')).toBe(1);
  expect(compareVersions('3.9', '3.11')).toBe(-1);
  expect(compareVersions('7', '7.0.0')).toBe(0);
});

describe('df output', () => {
  test('headroom of a path: sizes in MiB and the free share, from df -Pk', () => {
    const df = ['Filesystem     1024-blocks    Used Available Capacity Mounted on', 'tmpfs               65536   49152     16384      75% /var/lib/arena'].join('\n');
    expect(parseDf(df, '/var/lib/arena')).toEqual({ path: '/var/lib/arena', totalMiB: 64, availableMiB: 16, freePercent: 25 });
  });

  test('a long device name wraps onto its own line in plain df; -P keeps one line, and the last line counts', () => {
    const df = ['Filesystem 1024-blocks Used Available Capacity Mounted on', '/dev/mapper/vg0-root 1048576 943718 104858 91% /'].join('\n');
    expect(parseDf(df, '/')).toEqual({ path: '/', totalMiB: 1024, availableMiB: 102, freePercent: 10 });
  });

  test.for(['', 'Filesystem 1024-blocks Used Available Capacity Mounted on', 'tmpfs 0 0 0 - /x'])('unreadable output %j is an error, not 0 %%', (df) => {
    expect(() => parseDf(df, '/x')).toThrow(/cannot read df output for \/x/);
  });
});

describe('memory output', () => {
  const meminfo = 'MemAvailable:   20971520 kB';
  test('no cgroup limit ("max"): the kernel\'s MemAvailable', () => {
    const out = ['/sys/fs/cgroup/memory.max max', '/sys/fs/cgroup/memory.current 104857600', '/sys/fs/cgroup/memory/memory.limit_in_bytes -', '/sys/fs/cgroup/memory/memory.usage_in_bytes -', meminfo].join('\n');
    expect(parseMemory(out)).toEqual({ availableMiB: 20480, source: 'meminfo' });
  });

  test('a cgroup v2 limit binds: limit minus usage, page cache that can be dropped not counted as used', () => {
    const out = [
      '/sys/fs/cgroup/memory.max 1073741824', '/sys/fs/cgroup/memory.current 838860800',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes -', '/sys/fs/cgroup/memory/memory.usage_in_bytes -',
      '/sys/fs/cgroup/memory.stat:inactive_file 104857600', meminfo,
    ].join('\n');
    // 1024 MiB limit, 800 MiB used of which 100 MiB inactive page cache → 324 MiB available.
    expect(parseMemory(out)).toEqual({ availableMiB: 324, source: 'cgroup v2' });
  });

  test('a cgroup v1 limit binds the same way', () => {
    const out = [
      '/sys/fs/cgroup/memory.max -', '/sys/fs/cgroup/memory.current -',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes 536870912', '/sys/fs/cgroup/memory/memory.usage_in_bytes 268435456',
      '/sys/fs/cgroup/memory/memory.stat:total_inactive_file 0', meminfo,
    ].join('\n');
    expect(parseMemory(out)).toEqual({ availableMiB: 256, source: 'cgroup v1' });
  });

  test('nothing readable: undefined, so the caller can say so', () => {
    expect(parseMemory('/sys/fs/cgroup/memory.max -\n')).toBeUndefined();
  });
});
