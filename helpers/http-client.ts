// HTTP API criteria read like the runbook line: `await api.post('/api/teams').send({ name }).expect(201)`.
// supertest against an endpoint of the profile, with that endpoint's credentials and TLS settings.
import supertest from 'supertest';
import type { Test } from 'supertest';
import type { HttpAuth, HttpTarget } from './profile/schema.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface EndpointClient {
  /** The endpoint's base URL, as the profile gives it. */
  readonly url: string;
  get(path: string): Test;
  post(path: string): Test;
  put(path: string): Test;
  patch(path: string): Test;
  delete(path: string): Test;
  /** The same endpoint with a bearer token of its own (a player's session), or with no credentials at all (null). */
  as(token: string | null): EndpointClient;
}

function authorize(test: Test, auth: HttpAuth | undefined): Test {
  if (!auth) return test;
  return 'token' in auth ? test.set('Authorization', `Bearer ${auth.token}`) : test.auth(auth.user, auth.password);
}

/** A client for one profile endpoint; every request carries its credentials (and skips CA checks where it is `insecure`). */
export function endpointClient(target: Pick<HttpTarget, 'url' | 'insecure' | 'auth'>): EndpointClient {
  const base = target.url.replace(/\/+$/, '');
  const send = (method: Method) => (path: string): Test => {
    const test = supertest(base)[method](path);
    return authorize(target.insecure ? test.disableTLSCerts() : test, target.auth);
  };
  return {
    url: base,
    get: send('get'), post: send('post'), put: send('put'), patch: send('patch'), delete: send('delete'),
    as: (token) => endpointClient({ ...target, auth: token === null ? undefined : { token } }),
  };
}
