import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, obCredential, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;

beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

const issue = (credential: Record<string, unknown>, options: Record<string, unknown> = {}, token = inst.token) =>
  t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(token), payload: { credential, options } });
const verify = async (vc: unknown) => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
const rows = (id: string) => t.ctx.db.selectFrom('credentials').select(['id', 'issuer_ref']).where('id', '=', id).execute();
/** credential.issued ledger entries and credential.issue audit lines of one credential id. */
const written = async (id: string) => ({
  entries: (await t.ctx.db.selectFrom('ledger_entries').select('id').where('resource_id', '=', id).where('event_type', '=', 'credential.issued').execute()).length,
  audit: (await t.ctx.db.selectFrom('audit_trail').select('id').where('resource_id', '=', id).where('action', '=', 'credential.issue').execute()).length,
});

describe('VC-API issue with a caller-chosen credential id', () => {
  for (const options of [{}, { cryptosuite: 'eddsa-jcs-2022' }, { proofFormat: 'vc+jwt' }]) {
    it(`keeps a urn:uuid id and the credential verifies (${JSON.stringify(options)})`, async () => {
      const uuid = randomUUID();
      const res = await issue(obCredential(inst.did, { id: `urn:uuid:${uuid}` }), options);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers.location).toBe(`/verify/${uuid}`);
      const vc = res.json().verifiableCredential;
      const doc = typeof vc === 'string' ? JSON.parse(Buffer.from(vc.split('.')[1]!, 'base64url').toString('utf8')) : vc;
      expect(doc.id).toBe(`urn:uuid:${uuid}`);
      expect((await verify(vc)).verified).toBe(true);
    });
  }

  it('the same id with the same content returns the same credential; with other content it is a 409 and nothing is written', async () => {
    const uuid = randomUUID();
    const credential = obCredential(inst.did, { id: `urn:uuid:${uuid.toUpperCase()}` });
    const first = await issue(credential);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().verifiableCredential.id).toBe(`urn:uuid:${uuid}`);
    const again = await issue(credential);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());

    const ledgerBefore = await t.ctx.db.selectFrom('ledger_entries').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const changed = await issue({ ...credential, name: 'Something else 别的' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'credential_id_conflict', errors: [{ pointer: '/body/credential/id' }] });
    const otherFormat = await issue(credential, { proofFormat: 'vc+jwt' });
    expect(otherFormat.statusCode).toBe(409);
    const ledgerAfter = await t.ctx.db.selectFrom('ledger_entries').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(ledgerAfter.n)).toBe(Number(ledgerBefore.n));
    expect(await rows(uuid)).toHaveLength(1);
  });

  it('another issuer cannot take an id already in use', async () => {
    const uuid = randomUUID();
    expect((await issue(obCredential(inst.did, { id: `urn:uuid:${uuid}` }))).statusCode).toBe(201);
    const other = await createInstitution(t.app, await operatorToken(t.app));
    const res = await issue(obCredential(other.did, { id: `urn:uuid:${uuid}` }), {}, other.token);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('credential_id_conflict');
    expect(await rows(uuid)).toEqual([{ id: uuid, issuer_ref: inst.id }]);
  });

  for (const id of ['https://university.example/credentials/1', 'did:example:123', 'urn:uuid:not-a-uuid', 'urn:uuid:00000000-0000-0000-0000-000000000000', 42]) {
    it(`refuses the id ${JSON.stringify(id)} with a problem naming credential.id`, async () => {
      const res = await issue(obCredential(inst.did, { id }));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'unsupported_credential_id', errors: [{ pointer: '/body/credential/id' }] });
    });
  }

  it('a batch keeps caller ids, returns the same on re-send, and refuses one id used for two different credentials', async () => {
    const [u1, u2] = [randomUUID(), randomUUID()];
    const items = [
      { credential: obCredential(inst.did, { id: `urn:uuid:${u1}`, name: 'Batch id 1' }) },
      { credential: obCredential(inst.did, { id: `urn:uuid:${u2}`, name: 'Batch id 2' }), options: { cryptosuite: 'eddsa-jcs-2022' } },
    ];
    const send = (body: unknown[]) => t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/credentials/batches`, headers: bearer(inst.token), payload: { items: body } });
    const first = await send(items);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().items.map((i: { id: string }) => i.id)).toEqual([u1, u2]);
    const again = await send(items);
    expect(again.json()).toMatchObject({ created: 0, items: [{ id: u1 }, { id: u2 }] });

    const u4 = randomUUID();
    const twice = { credential: obCredential(inst.did, { id: `urn:uuid:${u4}`, name: 'Sent twice' }) };
    const dup = await send([twice, twice]);
    expect(dup.statusCode, dup.body).toBe(201);
    expect(dup.json()).toMatchObject({ issued: 2, created: 1, items: [{ id: u4, created: true }, { id: u4, created: false }] });
    expect(dup.json().items[1].verifiableCredential).toEqual(dup.json().items[0].verifiableCredential);
    const stored = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: dup.json().items[1].verifiableCredential } });
    expect(stored.json().verified).toBe(true);

    const u3 = randomUUID();
    const clash = await send([items[0], { credential: obCredential(inst.did, { id: `urn:uuid:${u3}`, name: 'A' }) }, { credential: obCredential(inst.did, { id: `urn:uuid:${u3}`, name: 'B' }) }]);
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'credential_id_conflict', errors: [{ pointer: '/body/items/2/credential/id' }] });
    expect(await rows(u3)).toEqual([]);
  });

  it('the store refuses an id taken meanwhile by a different credential (the race past the up-front check)', async () => {
    const issuer = (await t.ctx.credentials.directory.byRef(inst.id))!;
    const actor = { principal: { kind: 'institution', institutionId: inst.id, clientId: 'race', scopes: ['credentials:issue'] }, requestId: 'race' } as const;
    const uuid = randomUUID();
    const req = (name: string) => ({ issuer, credential: obCredential(inst.did, { name }), format: 'eddsa-jcs-2022' as const, learnerId: null,
      kind: 'vc-api', issuanceKey: `test:${name}:${uuid}`, id: uuid });
    expect((await t.ctx.credentials.issuance.issue(req('first'), actor as never)).created).toBe(true);
    await expect(t.ctx.credentials.issuance.issue(req('second'), actor as never)).rejects.toMatchObject({ statusCode: 409, code: 'credential_id_conflict' });
    expect(await rows(uuid)).toHaveLength(1);
    expect(await written(uuid)).toEqual({ entries: 1, audit: 1 });
  });

  it('two concurrent requests racing for one id with different content: one wins, the other gets 409', async () => {
    const uuid = randomUUID();
    const [a, b] = await Promise.all([
      issue(obCredential(inst.did, { id: `urn:uuid:${uuid}`, name: 'Race A' })),
      issue(obCredential(inst.did, { id: `urn:uuid:${uuid}`, name: 'Race B' })),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(await rows(uuid)).toHaveLength(1);
    expect(await written(uuid)).toEqual({ entries: 1, audit: 1 });
  });

  it('concurrent requests with the same content get one credential, one ledger entry and one audit line', async () => {
    const credential = obCredential(inst.did, { name: `Same content ${randomUUID()}` });
    const answers = await Promise.all([0, 1, 2, 3].map(() => issue(credential, { cryptosuite: 'eddsa-jcs-2022' })));
    for (const a of answers) expect([200, 201], a.body).toContain(a.statusCode);
    const ids = new Set(answers.map((a) => a.json().verifiableCredential.id as string));
    expect(ids.size).toBe(1);
    const id = [...ids][0]!.replace('urn:uuid:', '');
    expect(await rows(id)).toHaveLength(1);
    expect(await written(id)).toEqual({ entries: 1, audit: 1 });
    expect((await t.ctx.ledgerService.checkDatabase()).problems).toEqual([]);
  });
});
