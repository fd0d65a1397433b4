// Operators' files import fleetgate by name (`fleetgate`, `fleetgate/schema`) from folders outside this
// package, where Node would not find it: resolve the name to this copy (repository or bundle).
import { registerHooks } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const exportsMap = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;

/** `fleetgate` and `fleetgate/<sub>` → the file package.json `exports` names for it. */
export function fleetgateEntries(): Map<string, string> {
  return new Map(Object.entries(exportsMap).map(([key, file]) => [key === '.' ? 'fleetgate' : `fleetgate/${key.slice(2)}`, join(ROOT, file)]));
}

let registered = false;

/** Make `import … from 'fleetgate'` work in this process for files anywhere on disk. */
export function resolveFleetgateByName(): void {
  if (registered) return;
  registered = true;
  const entries = fleetgateEntries();
  registerHooks({
    resolve(specifier, context, next) {
      const file = entries.get(specifier);
      return file ? { url: pathToFileURL(file).href, shortCircuit: true } : next(specifier, context);
    },
  });
}
