// ${env:NAME} and ${file:PATH} references, resolved at load time and registered for redaction.
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { MIN_SECRET_LENGTH, registerSecret } from '../redact.ts';

const REFERENCE = /^\$\{(env|file):([^}]+)\}$/;

export class SecretError extends Error {
  override name = 'SecretError';
  readonly path: (string | number)[];
  constructor(path: (string | number)[], message: string) {
    super(message);
    this.path = path;
  }
}

function resolveOne(kind: string, ref: string, profileFile: string, path: (string | number)[]): string {
  if (kind === 'env') {
    const value = process.env[ref];
    if (value === undefined || value === '') throw new SecretError(path, `environment variable ${ref} is not set`);
    return value;
  }
  const file = resolve(dirname(profileFile), ref);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new SecretError(path, `secret file ${file} cannot be read`);
  }
}

/** Returns a copy of value with every reference replaced by the secret it names. */
export function resolveSecrets<T>(value: T, profileFile: string, path: (string | number)[] = []): T {
  if (typeof value === 'string') {
    const match = REFERENCE.exec(value);
    if (!match) return value;
    const secret = resolveOne(match[1]!, match[2]!, profileFile, path);
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new SecretError(path, `${value} is shorter than ${MIN_SECRET_LENGTH} characters: too short to be kept out of reports`);
    }
    registerSecret(secret);
    return secret as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveSecrets(v, profileFile, [...path, i])) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveSecrets(v, profileFile, [...path, k])]),
    ) as T;
  }
  return value;
}
