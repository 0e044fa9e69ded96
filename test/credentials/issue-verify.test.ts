import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, issueVc, obCredential, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;

beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

const verify = (vc: unknown) => t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } });

describe('issue and verify through the HTTP API', () => {
  for (const [label, options] of [
    ['eddsa-rdfc-2022 (default)', {}],
    ['eddsa-jcs-2022', { cryptosuite: 'eddsa-jcs-2022' }],
    ['vc+jwt', { proofFormat: 'vc+jwt' }],
  ] as const) {
    it(`round-trips a ${label} credential with every check passing`, async () => {
      const { vc } = await issueVc(t.app, inst, options);
      if (label === 'vc+jwt') expect(typeof vc).toBe('string');
      else expect((vc as { proof: { cryptosuite: string } }).proof.cryptosuite).toBe(label.split(' ')[0]);
      await t.ctx.ledgerService.integrate(); // so the ledger check has an inclusion proof, not "pending"
      const res = await verify(vc);
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json();
      expect(r.verified).toBe(true);
      expect(r.checks).toEqual(['proof', 'issuer', 'status', 'validity', 'shape', 'vcdm', 'ledger']);
      expect(r.summary.issuer).toMatchObject({ id: inst.did, known: true });
    });
  }

  it('returns the same credential for the same input (idempotent issuance)', async () => {
    const credential = obCredential(inst.did, { name: 'Idempotent 同一' });
    const a = await issueVc(t.app, inst, {}, credential);
    const b = await issueVc(t.app, inst, {}, credential);
    expect(b.id).toBe(a.id);
    expect(b.vc).toEqual(a.vc);
  });

  it('refuses a credential whose issuer is not the caller', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential: obCredential('did:web:elsewhere.example') } });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('issuer_mismatch');
  });

  it('serves DID documents for the bank and the institution with Multikey methods', async () => {
    const bank = await t.app.inject({ method: 'GET', url: '/.well-known/did.json' });
    expect(bank.json().id).toBe('did:web:bank.test');
    const doc = (await t.app.inject({ method: 'GET', url: `/institutions/${inst.slug}/did.json` })).json();
    expect(doc.id).toBe(inst.did);
    expect(doc.verificationMethod[0]).toMatchObject({ type: 'Multikey', controller: inst.did });
    expect(doc.assertionMethod).toContain(doc.verificationMethod[0].id);
  });

  it('issues a batch over the worker pool; re-sending it returns the same credentials', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      credential: obCredential(inst.did, { name: `Batch ${i} 批量` }),
      options: [{}, { cryptosuite: 'eddsa-jcs-2022' }, { proofFormat: 'vc+jwt' }][i % 3],
    }));
    const send = () => t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/credentials/batches`, headers: bearer(inst.token), payload: { items } });
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ issued: 12, created: 12 });
    for (const item of first.json().items) expect((await verify(item.verifiableCredential)).json().verified).toBe(true);
    const again = (await send()).json();
    expect(again.created).toBe(0);
    expect(again.items.map((i: { id: string }) => i.id)).toEqual(first.json().items.map((i: { id: string }) => i.id));
  });

  it('writes one audit line per credential created, none for a replay', async () => {
    const items = [{}, { proofFormat: 'vc+jwt' }].map((options, i) => ({ credential: obCredential(inst.did, { name: `Audited ${i}` }), options }));
    const send = () => t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/credentials/batches`, headers: bearer(inst.token), payload: { items } });
    const ids = (await send()).json().items.map((i: { id: string }) => i.id);
    await send();
    const lines = await t.ctx.db.selectFrom('audit_trail').selectAll().where('action', '=', 'credential.issue').where('resource_id', 'in', ids).orderBy('resource_id').execute();
    expect(lines.map((l) => l.resource_id)).toEqual([...ids].sort());
    const formats = new Map([[ids[0], 'eddsa-rdfc-2022'], [ids[1], 'vc+jwt']]);
    for (const l of lines) {
      expect(l).toMatchObject({ principal_kind: 'institution', institution_id: inst.id, resource_type: 'credential', learner_id: null,
        detail: { format: formats.get(l.resource_id), kind: 'vc-api' } });
      expect(l.principal_id).toEqual(expect.any(String));
      expect(l.request_id).toEqual(expect.any(String));
    }
  });

  it('a batch for another institution is refused', async () => {
    const other = await createInstitution(t.app, await operatorToken(t.app));
    const res = await t.app.inject({ method: 'POST', url: `/institutions/${other.id}/credentials/batches`, headers: bearer(inst.token), payload: { items: [{ credential: obCredential(other.did) }] } });
    expect(res.statusCode).toBe(403);
  });
});
