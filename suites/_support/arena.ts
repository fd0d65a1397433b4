// The reference arena's vocabulary for its suites, on fleetgate's generic fixtures (`http`, `made`): players
// and instances made through the API and removed after the criterion, whatever its outcome. This is what an
// operator's suites folder holds for their own platform; specs read like the runbook on top of it.
import { randomBytes } from 'node:crypto';
import { test as base, expect, type EndpointClient, type Made } from 'fleetgate';
import type { Test } from 'supertest';
import { arenaPlaces } from '../vars.schema.ts';

export { expect };

/** The options of a criterion that makes (and afterwards removes) its own data on the system: `--list` shows the tag. */
export const CHANGES_STATE = { tags: ['changes-state'] };

export interface Player {
  id: number;
  email: string;
  handle: string;
  /** Its session token: `api.as(player.token)` acts as the player. */
  token: string;
  /** The principal it acts as (its personal one, made at sign-up here). */
  principalId: number;
}

export interface InstanceView {
  id: number;
  challenge: string;
  principalId: number;
  state: string;
  image: string;
  container: { id: string; name: string; status: string } | null;
  lease: { ttlSeconds: number; expiresAt: string } | null;
}

/** Instance verbs over HTTP with the service token, as the runbook's `arena instance …` has them. */
export class Instances {
  readonly #api: EndpointClient;
  constructor(api: EndpointClient) {
    this.#api = api;
  }

  spawn(challenge: string, principalId: number, ttlSeconds?: number): Test {
    return this.#api.post(`/api/instances/${challenge}/spawn`).send({ principalId, ...(ttlSeconds ? { ttlSeconds } : {}) });
  }

  reset(challenge: string, principalId: number): Test {
    return this.#api.post(`/api/instances/${challenge}/reset`).send({ principalId });
  }

  destroy(challenge: string, principalId: number): Test {
    return this.#api.post(`/api/instances/${challenge}/destroy`).send({ principalId });
  }

  /** One instance (404 when the principal has none of that challenge). */
  get(challenge: string, principalId: number): Test {
    return this.#api.get(`/api/instances/${challenge}?principalId=${principalId}`);
  }

  /** Every instance of the principal, and the controller id its containers are labelled with. */
  list(principalId: number): Test {
    return this.#api.get(`/api/instances?principalId=${principalId}`);
  }
}

export interface Delivery {
  id: number;
  recipient: string;
  status: 'pending' | 'retrying' | 'sent' | 'dead_lettered';
  cycleAttempts: number;
  resends: number;
  lastAttemptNo: number | null;
}

export interface MailPolicy {
  maxAttempts: number;
  workerIntervalSeconds: number;
  backoffSeconds: { base: number; max: number };
}

/** The outbox's operator surface (seed 002) with the service token; test messages made here are purged afterwards. */
export class Mail {
  readonly #api: EndpointClient;
  readonly #made: Made;
  constructor(api: EndpointClient, made: Made) {
    this.#api = api;
    this.#made = made;
  }

  /** A test message through the outbox, purged (with its attempts) after the criterion. */
  async queueTest(to: string): Promise<Delivery> {
    const { body } = await this.#api.post('/api/admin/mail/test').send({ to }).expect(201);
    return this.purgeAfterwards((body as { delivery: Delivery }).delivery);
  }

  /** A delivery this criterion made some other way, purged after it. */
  purgeAfterwards<D extends { id: number }>(delivery: D): D {
    return this.#made.add(`mail delivery ${delivery.id}`, delivery, async ({ id }) => {
      await this.#api.delete(`/api/admin/mail/deliveries/${id}`).expect(200);
    });
  }

  async get(id: number): Promise<Delivery> {
    const { body } = await this.#api.get(`/api/admin/mail/deliveries/${id}`).expect(200);
    return (body as { delivery: Delivery }).delivery;
  }

  async attemptNumbers(id: number): Promise<number[]> {
    const { body } = await this.#api.get(`/api/admin/mail/deliveries/${id}/attempts`).expect(200);
    return (body as { attempts: { attemptNo: number }[] }).attempts.map((a) => a.attemptNo);
  }

  resend(id: number): Test {
    return this.#api.post(`/api/admin/mail/deliveries/${id}/resend`);
  }

  deadLetters(): Test {
    return this.#api.get('/api/admin/mail/dead-letters');
  }

  async policy(): Promise<MailPolicy> {
    const { body } = await this.#api.get('/api/admin/mail/deliveries?status=sent').expect(200);
    return (body as { policy: MailPolicy }).policy;
  }
}

export class Arena {
  readonly api: EndpointClient;
  readonly instances: Instances;
  readonly mail: Mail;
  readonly #made: Made;
  #controller: string | undefined;

  constructor(api: EndpointClient, made: Made) {
    this.api = api;
    this.instances = new Instances(api);
    this.mail = new Mail(api, made);
    this.#made = made;
  }

  /**
   * The id every container of this API's instances is labelled with (`arena.controller`). Instance and principal
   * ids are this database's own: on a Docker daemon several control planes share, only this label tells theirs apart.
   */
  async controller(): Promise<string> {
    if (this.#controller === undefined) {
      const { body } = await this.api.get('/api/instances').expect(200);
      this.#controller = (body as { controller: string }).controller;
    }
    return this.#controller;
  }

  /** Docker label filters for this controller's containers, narrowed by instance, principal or challenge. */
  async labels(narrow: { instance?: number; principal?: number; challenge?: string }): Promise<Record<string, string>> {
    return {
      'arena.controller': await this.controller(),
      ...(narrow.instance !== undefined ? { 'arena.instance': String(narrow.instance) } : {}),
      ...(narrow.principal !== undefined ? { 'arena.principal': String(narrow.principal) } : {}),
      ...(narrow.challenge !== undefined ? { 'arena.challenge': narrow.challenge } : {}),
    };
  }

  /** A player registered and signed in, with its personal principal; removed (with its principal) after the criterion. */
  async player(): Promise<Player> {
    const handle = this.#made.name('p');
    const email = `${handle}@players.arena.test`;
    const password = randomBytes(12).toString('base64url');
    const { body: registered } = await this.api.as(null).post('/api/register').send({ email, handle, password }).expect(201);
    const id = (registered as { user: { id: number } }).user.id;
    this.#made.add(`player ${handle}`, id, async (userId) => {
      await this.api.delete(`/api/admin/users/${userId}`).expect(200);
    });
    const { body: session } = await this.api.as(null).post('/api/login').send({ email, password }).expect(200);
    const token = (session as { session: { token: string } }).session.token;
    const { body: principal } = await this.api.as(token).post('/api/me/principal').expect((r) => expect([200, 201]).toContain(r.status));
    return { id, email, handle, token, principalId: (principal as { principal: { id: number } }).principal.id };
  }

  /** An instance spawned for the principal (201), destroyed after the criterion. */
  async spawned(challenge: string, principalId: number, ttlSeconds?: number): Promise<InstanceView> {
    const { body } = await this.instances.spawn(challenge, principalId, ttlSeconds).expect(201);
    this.destroyAfterwards(challenge, principalId);
    return (body as { instance: InstanceView }).instance;
  }

  /** Whatever instance of that challenge the principal has when the criterion ends is destroyed. */
  destroyAfterwards(challenge: string, principalId: number): void {
    this.#made.add(`instance of ${challenge} for principal ${principalId}`, principalId, async (id) => {
      await this.instances.destroy(challenge, id).expect(200);
    });
  }
}

export const test = base.extend<{ arena: Arena }>({
  arena: async ({ http, made, profile }, use) => use(new Arena(http(arenaPlaces(profile.vars).api), made)),
});
