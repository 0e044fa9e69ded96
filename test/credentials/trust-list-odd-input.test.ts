import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, operatorToken } from '../helpers/factories.js';
import { ODD, paths, withValue, type Json } from '../helpers/json-variants.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { externalCredential, externalIssuer } from './external-issuers.js';

let t: TestApp;
let op: string;
beforeAll(async () => { t = await createTestApp(); op = await operatorToken(t.app); });
afterAll(async () => t.close());

describe('trusted issuers with DID documents of any odd shape', () => {
  it('each field of the DID document removed or of the wrong type: refused with a problem, or listed and its credentials answered with a report; never a 500', async () => {
    const shape = (await externalIssuer()).didDocument as unknown as Json;
    const problems: string[] = [];
    let listed = 0;
    for (const p of paths(shape)) {
      for (const v of ODD) {
        const issuer = await externalIssuer();
        const didDocument = withValue(issuer.didDocument as unknown as Json, p, v);
        if (JSON.stringify(didDocument) === JSON.stringify(issuer.didDocument)) continue;
        const label = `${p.join('.')} = ${v === undefined ? '(removed)' : JSON.stringify(v)}`;
        const res = await t.app.inject({ method: 'POST', url: '/trusted-issuers', headers: bearer(op), payload: { issuerId: issuer.did, name: { en: 'Odd' }, didDocument } });
        if (res.statusCode === 201) {
          listed++;
          const vc = await externalCredential(issuer, 'eddsa-rdfc-2022');
          const check = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } });
          if (check.statusCode !== 200 && check.statusCode !== 400) problems.push(`${label}: listed, then verify gave ${check.statusCode} ${check.body.slice(0, 200)}`);
          if (check.statusCode === 400 && typeof check.json().reason !== 'string') problems.push(`${label}: listed, then verify gave no reason`);
        } else if (res.statusCode >= 500 || typeof res.json().code !== 'string') {
          problems.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(listed).toBeGreaterThan(0);
  });
});
