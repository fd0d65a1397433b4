import { describe, expect, test } from 'vitest';
import { isUnreachable } from '../../helpers/precondition.ts';

describe('isUnreachable: blocked only when the dependency cannot be reached at all', () => {
  test.for([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, true],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('timeout exceeded when trying to connect'), true],
    [{ code: '28P01', message: 'password authentication failed for user "arena"' }, false],
    [new Error('WRONGPASS invalid username-password pair or user is disabled.'), false],
    [{ code: '3D000', message: 'database "nope" does not exist' }, false],
  ] as const)('%o → %s', ([error, unreachable]) => {
    expect(isUnreachable(error)).toBe(unreachable);
  });
});
