import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, obCredential, type TestInstitution } from '../helpers/factories.js';
import { oddVariants, type Json } from '../helpers/json-variants.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

describe('POST /credentials/issue with a credential of any odd shape', () => {
  it.each([{ cryptosuite: 'eddsa-jcs-2022' }, { proofFormat: 'vc+jwt' }])('%j: either a 422 naming the field, or a credential that verifies; never a 500', async (options) => {
    const base = obCredential(inst.did) as Json;
    const problems: string[] = [];
    let rejected = 0;
    for (const v of oddVariants(base)) {
      const res = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential: v.value, options } });
      if (res.statusCode === 201) {
        const check = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: res.json().verifiableCredential } });
        if (check.json().verified !== true) problems.push(`${v.label}: issued, but the verifier says ${check.json().reason}: ${JSON.stringify(check.json().errors).slice(0, 200)}`);
      } else if (res.statusCode === 422 || res.statusCode === 400) {
        rejected++;
        const body = res.json();
        if (typeof body.code !== 'string' || !/^application\/problem\+json/.test(String(res.headers['content-type']))) problems.push(`${v.label}: ${res.statusCode} is not a problem with a code`);
      } else {
        problems.push(`${v.label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(rejected, 'most odd shapes are refused').toBeGreaterThan(200);
  });

  it('an Open Badge missing what OB 3.0 requires is refused before it is signed, naming the field', async () => {
    const c = obCredential(inst.did) as any;
    delete c.credentialSubject.achievement.criteria;
    const res = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential: c, options: {} } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid_credential' });
    expect(JSON.stringify(res.json())).toContain('/body/credential/credentialSubject/achievement/criteria');
    const list = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential: { ...obCredential(inst.did), credentialSubject: {} }, options: {} } });
    expect(list.statusCode).toBe(422);
  });

  it('an unknown proofFormat is refused, naming the option, instead of silently signing in the default form', async () => {
    for (const proofFormat of ['eddsa-jcs-2022', 'jwt_vp', 'ldp']) {
      const res = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential: obCredential(inst.did), options: { proofFormat } } });
      expect(res.statusCode, proofFormat).toBe(400);
      expect(JSON.stringify(res.json()), proofFormat).toContain('proofFormat');
    }
    for (const proofFormat of ['ldp_vc', 'vc+jwt', 'application/vc+jwt', 'jwt_vc', 'jwt']) {
      const res = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential: obCredential(inst.did), options: { proofFormat } } });
      expect(res.statusCode, proofFormat).toBe(201);
      expect(typeof res.json().verifiableCredential, proofFormat).toBe(proofFormat === 'ldp_vc' ? 'object' : 'string');
    }
  });
});
