import { afterAll, expect, test } from 'vitest';
import { toCriterionError, runErrorsCriterion } from '../../cli/gate/collector.ts';
import { beginRedaction, Redactor } from '../../helpers/redact.ts';

afterAll(() => void beginRedaction());

const STACK = [
  'AssertionError: expected 500 to be 200',
  '    at /srv/ops/suites/preflight/api.spec.ts:14:27',
  '    at file:///opt/fleetgate/node_modules/@vitest/runner/dist/index.js:145:14',
  '    at runTest (file:///opt/fleetgate/node_modules/@vitest/runner/dist/index.js:781:11)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
  '    at async Promise.all (index 0)',
  '    at /srv/ops/helpers/own-helper.ts:3:9',
].join('\n');

test('a failure keeps the spec\'s own frames and drops those of Vitest, dependencies and Node', () => {
  const error = toCriterionError({ name: 'AssertionError', message: 'expected 500 to be 200', stack: STACK, diff: '- 200\n+ 500' });
  expect(error).toEqual({
    type: 'AssertionError',
    message: 'expected 500 to be 200',
    detail: [
      'AssertionError: expected 500 to be 200',
      '    at /srv/ops/suites/preflight/api.spec.ts:14:27',
      '    at async Promise.all (index 0)',
      '    at /srv/ops/helpers/own-helper.ts:3:9',
      '',
      '- 200\n+ 500',
    ].join('\n'),
  });
});

test('the one-line message is the first non-empty line, masked before it is picked', () => {
  beginRedaction(new Redactor()).add('multi\nline-secret');
  expect(toCriterionError({ message: '\n\nmulti\nline-secret was refused\nmore' }).message).toBe('[redacted] was refused');
});

test('unhandled errors fail the run-level pseudo criterion; none lets it pass', () => {
  expect(runErrorsCriterion([]).outcome).toBe('pass');
  expect(runErrorsCriterion([{ type: 'Error', message: 'worker crashed', detail: '' }])).toMatchObject({ outcome: 'fail', error: { message: 'worker crashed' } });
});
