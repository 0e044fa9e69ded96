import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueVc, obCredential, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { ODD, oddVariants, paths, withValue, type Json } from '../helpers/json-variants.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

describe('credentials of any odd shape are answered, never with a server error', () => {
  it.each(['eddsa-jcs-2022', 'eddsa-rdfc-2022'])('%s: every field of a signed credential, removed or replaced by a value of the wrong type, fails verification with a report', async (cryptosuite) => {
    const { vc } = await issueVc(t.app, inst, { cryptosuite, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } },
      obCredential(inst.did, { validUntil: '2099-01-01T00:00:00Z' }));
    const original = vc as Json;
    const variants = oddVariants(original).map((v) => ({ label: v.label, vc: v.value }));
    expect(variants.length).toBeGreaterThan(400);
    const problems: string[] = [];
    for (const v of variants) {
      const res = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: v.vc } });
      const body = res.json();
      if (res.statusCode !== 400 || body.verified !== false || typeof body.reason !== 'string') problems.push(`${v.label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  });

  it('the same variants in presentations: each is reported on its own, and the unaltered copy beside them verifies', async () => {
    const { vc } = await issueVc(t.app, inst, { cryptosuite: 'eddsa-jcs-2022' });
    const original = vc as Json;
    const variants = oddVariants(original).map((v) => v.value);
    const problems: string[] = [];
    for (let i = 0; i < variants.length; i += 40) {
      const chunk = [original, ...variants.slice(i, i + 40)];
      const res = await t.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: {
        '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], verifiableCredential: chunk } } });
      const reasons = res.statusCode === 400 ? (res.json().credentials as { reason?: string }[]).map((c) => c.reason ?? 'ok') : [];
      if (reasons.length !== chunk.length || reasons[0] !== 'ok' || reasons.slice(1).includes('ok')) problems.push(`chunk ${i}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });

  it('a presentation with any of its own fields removed or of the wrong type is a 400 with a report or a problem, never a 500', async () => {
    const { vc } = await issueVc(t.app, inst, { cryptosuite: 'eddsa-jcs-2022' });
    const vp: Json = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'did:example:holder',
      verifiableCredential: [vc as Json], proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'authentication', proofValue: 'z1' } };
    const problems: string[] = [];
    for (const p of paths(vp).filter((x) => x[0] !== 'verifiableCredential' || x.length === 1)) {
      // Without its proof the presentation is a valid unsigned one (verified, with a warning).
      for (const v of ODD.filter((x) => !(p.length === 1 && p[0] === 'proof' && x === undefined))) {
        const res = await t.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: withValue(vp, p, v) } });
        const ok = res.statusCode === 400 && (res.json().verified === false || /^application\/problem\+json/.test(String(res.headers['content-type'])));
        if (!ok) problems.push(`${p.join('.')} = ${JSON.stringify(v)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a JWT credential with any part replaced by odd JSON or text fails verification with a report, alone or in a presentation', async () => {
    const { vc } = await issueVc(t.app, inst, { proofFormat: 'vc+jwt' });
    const parts = String(vc).split('.');
    const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Json;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Json;
    const odd = ODD.filter((v) => v !== undefined).map(b64);
    const variants = [
      ...[0, 1, 2].flatMap((k) => [...odd, '', '!!', '%%%'].map((x) => parts.map((p, i) => (i === k ? x : p)).join('.'))),
      ...paths(header).flatMap((p) => ODD.map((v) => [b64(withValue(header, p, v)), parts[1], parts[2]].join('.'))),
      ...paths(payload).filter((p) => p.length <= 3).flatMap((p) => ODD.map((v) => [parts[0], b64(withValue(payload, p, v)), parts[2]].join('.'))),
      '..', `${parts[0]}.${parts[1]}`, `${String(vc)}.x`,
    ].filter((x) => x !== vc);
    const problems: string[] = [];
    for (const jwt of variants) {
      const res = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: jwt } });
      const ok = res.statusCode === 400 && (res.json().verified === false || /^application\/problem\+json/.test(String(res.headers['content-type'])));
      if (!ok) problems.push(`${jwt.slice(0, 80)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    const envelope = (jwt: string) => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` });
    const res = await t.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: {
      '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], verifiableCredential: [envelope(String(vc)), ...variants.map(envelope)] } } });
    expect(res.statusCode).toBe(400);
    const reasons = (res.json().credentials as { reason?: string }[]).map((c) => c.reason ?? 'ok');
    expect(reasons[0]).toBe('ok');
    expect(reasons.slice(1).filter((r) => r === 'ok')).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('a body whose verifiableCredential is not a credential at all is a 400', async () => {
    for (const v of [null, [], {}, 7, 'x', [null], true, '']) {
      const res = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: v } });
      expect(res.statusCode, JSON.stringify(v)).toBe(400);
    }
  });
});
