import { expect, test } from 'vitest';
import { madeRecorder, runLabel } from '../../helpers/made.ts';

test('undoes everything, last made first, and every undo runs even when one fails', async () => {
  const { made, undoAll } = madeRecorder('20261123-141456Z-30672');
  const undone: string[] = [];
  made.add('user alice', 'alice', (v) => void undone.push(v));
  made.add('team red', 'red', () => {
    throw new Error('409 team red still has members\nstack');
  });
  made.add('instance 7', 7, async (v) => void undone.push(String(v)));
  await expect(undoAll()).rejects.toThrow("could not undo 1 thing(s) this criterion made: team red: 409 team red still has members");
  expect(undone).toEqual(['7', 'alice']);
  await expect(undoAll(), 'nothing is undone twice').resolves.toBeUndefined();
  expect(undone).toHaveLength(2);
});

test('add returns what was made', () => {
  const { made } = madeRecorder('run');
  expect(made.add('thing', { id: 3 }, () => undefined)).toEqual({ id: 3 });
});

test('names carry the run label, are unique and fit a handle or a container name', () => {
  const { made } = madeRecorder('20261123-141456Z-30672');
  expect(made.label).toBe(runLabel('20261123-141456Z-30672'));
  expect(made.label).toBe('fg1456z30672');
  const names = Array.from({ length: 50 }, () => made.name('user'));
  expect(new Set(names).size).toBe(50);
  for (const name of names) expect(name).toMatch(new RegExp(`^user-${made.label}-[a-z0-9]+$`));
});
