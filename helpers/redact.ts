// Secrets resolved from a profile are registered here; everything fleetgate writes passes through redact().
const secrets = new Set<string>();
const MASK = '[redacted]';

/** Remember a secret value so it never reaches a report, log or terminal. */
export function registerSecret(value: string): void {
  // Very short values would mask ordinary text everywhere; refuse to pretend they are protected.
  if (value.length < 4) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
}

/** Replace every registered secret (also URL-encoded) in text. */
export function redact(text: string): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return out;
}

/** redact() applied to every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

export function knownSecretCount(): number {
  return secrets.size;
}
