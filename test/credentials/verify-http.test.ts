import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPresentation } from '../../src/credentials/core/presentations.js';
import { keyFromSeed } from '../../src/credentials/core/keys.js';
import { bearer, issueVc, obCredential, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

/** The report a /verify/{id} page embeds for its client-side renderer. */
function embeddedReport(html: string): any {
  const m = /<script type="application\/json" id="report">([\s\S]*?)<\/script>/.exec(html);
  expect(m, 'the page embeds its report').not.toBeNull();
  return JSON.parse(m![1]!);
}

async function holder() {
  const k = await keyFromSeed(Uint8Array.from({ length: 32 }, (_, i) => 200 - i), 'did:key:placeholder');
  const did = `did:key:${k.publicKeyMultibase}`;
  return { ...k, controller: did, id: `${did}#${k.publicKeyMultibase}` };
}

describe('the public verification page', () => {
  it('GET /verify serves a self-contained bilingual form that posts to /credentials/verify', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/verify' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('证书验证 · Verify a credential');
    expect(res.body).toContain('<textarea id="vc"');
    expect(res.body).toContain("fetch('/credentials/verify'");
    expect(res.body).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });

  it('GET /verify/{id} shows every check of a stored credential, and that it was revoked once it is', async () => {
    const { id } = await issueVc(t.app, inst, {}, obCredential(inst.did, { name: '网页核验 Page check' }));
    const page = await t.app.inject({ method: 'GET', url: `/verify/${id}` });
    expect(page.statusCode).toBe(200);
    const report = embeddedReport(page.body);
    expect(report).toMatchObject({ verified: true, summary: { name: '网页核验 Page check' } });
    expect(report.results.map((r: any) => r.check)).toEqual(expect.arrayContaining(['proof', 'issuer', 'status', 'validity', 'shape', 'vcdm', 'ledger']));
    expect(report.credential, 'the page does not repeat the whole credential').toBeUndefined();
    expect(page.body).toContain(`/credentials/${id}/qr.svg`);

    const rev = await t.app.inject({ method: 'POST', url: `/credentials/${id}/status`, headers: bearer(inst.token), payload: { action: 'revoke', reason: 'issued in error' } });
    expect(rev.statusCode, rev.body).toBe(200);
    const after = embeddedReport((await t.app.inject({ method: 'GET', url: `/verify/${id}` })).body);
    expect(after).toMatchObject({ verified: false, reason: 'credential_revoked' });
  });

  it('a credential whose text holds markup cannot break out of the embedded report', async () => {
    const evil = '</script><script>alert(1)</script>';
    const { id } = await issueVc(t.app, inst, {}, obCredential(inst.did, { name: evil }));
    const page = await t.app.inject({ method: 'GET', url: `/verify/${id}` });
    expect(page.body).not.toContain(evil);
    expect(embeddedReport(page.body).summary.name).toBe(evil);
  });

  it('an unknown or malformed credential id is a 404 / 400 problem, not a page', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/verify/00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.app.inject({ method: 'GET', url: '/verify/not-a-uuid' })).statusCode).toBe(400);
  });

  it('the QR code encodes the credential\'s public verification link', async () => {
    const { id } = await issueVc(t.app, inst);
    const res = await t.app.inject({ method: 'GET', url: `/credentials/${id}/qr.svg` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.body).toBe(await QRCode.toString(`https://bank.test/verify/${id}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    expect((await t.app.inject({ method: 'GET', url: '/credentials/00000000-0000-4000-8000-000000000000/qr.svg' })).statusCode).toBe(404);
  });
});

describe('POST /presentations/verify', () => {
  const vp = (vcs: unknown[], holderDid?: string) => ({
    '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'],
    ...(holderDid ? { holder: holderDid } : {}), verifiableCredential: vcs,
  });
  const post = (verifiablePresentation: unknown, options?: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation, ...(options ? { options } : {}) } });

  it('verifies a holder-signed presentation with its challenge, and each credential in it through the full verifier', async () => {
    const a = await issueVc(t.app, inst);
    const b = await issueVc(t.app, inst, { proofFormat: 'vc+jwt' });
    const h = await holder();
    const enveloped = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${b.vc as string}` };
    const signed = await signPresentation(vp([a.vc, enveloped], h.controller), {
      key: h, documentLoader: t.ctx.credentials.verifier.documentLoader(), challenge: 'employer-42', domain: 'hr.example.com' });
    const res = await post(signed, { challenge: 'employer-42', domain: 'hr.example.com' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ verified: true, checks: ['presentation', 'credentials'], errors: [] });
    expect(res.json().credentials.map((c: any) => [c.verified, c.summary.format])).toEqual([[true, 'eddsa-rdfc-2022'], [true, 'vc+jwt']]);

    const replay = await post(signed, { challenge: 'employer-43', domain: 'hr.example.com' });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().errors[0]).toMatchObject({ check: 'presentation' });
  });

  it('an unsigned presentation is checked credential by credential, with a warning; a revoked one inside fails it', async () => {
    const good = await issueVc(t.app, inst);
    const bad = await issueVc(t.app, inst);
    await t.app.inject({ method: 'POST', url: `/credentials/${bad.id}/status`, headers: bearer(inst.token), payload: { action: 'revoke', reason: 'test' } });
    const ok = await post(vp([good.vc]));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().warnings).toEqual([expect.objectContaining({ code: 'unsigned' })]);
    const res = await post(vp([good.vc, bad.vc]));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ check: 'credential[1]', code: 'credential_revoked' })]);
  });

  it('reports every credential of a large presentation as its own, in order, whatever its form and state', async () => {
    const forms = [{}, { cryptosuite: 'eddsa-jcs-2022' }, { proofFormat: 'vc+jwt' }];
    const issued = await Promise.all(Array.from({ length: 12 }, (_, i) => issueVc(t.app, inst,
      { ...forms[i % 3], credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } },
      obCredential(inst.did, { name: `Presented ${i}` }))));
    const setStatus = (id: string, action: string) =>
      t.app.inject({ method: 'POST', url: `/credentials/${id}/status`, headers: bearer(inst.token), payload: { action, reason: 'test' } });
    await setStatus(issued[4]!.id, 'revoke');
    await setStatus(issued[7]!.id, 'suspend');
    const tampered = structuredClone(issued[9]!.vc) as any;
    tampered.name = 'Forged';
    const envelope = (jwt: unknown) => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt as string}` });
    const vcs = issued.map((x, i) => (i === 9 ? tampered : typeof x.vc === 'string' ? envelope(x.vc) : x.vc));
    const res = await post(vp(vcs));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.credentials.map((c: any) => c.summary.name)).toEqual(issued.map((_, i) => (i === 9 ? 'Forged' : `Presented ${i}`)));
    expect(body.credentials.map((c: any) => c.reason ?? 'ok')).toEqual(issued.map((_, i) =>
      ({ 4: 'credential_revoked', 7: 'credential_suspended', 9: 'invalid_signature' } as Record<number, string>)[i] ?? 'ok'));
    expect(body.errors.map((e: any) => e.check)).toEqual(['credential[4]', 'credential[7]', 'credential[9]']);
    for (const [i, c] of body.credentials.entries()) {
      const ledger = c.results.find((r: any) => r.check === 'ledger');
      // The tampered copy is not what the ledger recorded; every other one is.
      expect(ledger.status === 'fail' ? ledger.code : 'recorded', `credential ${i}`).toBe(i === 9 ? 'ledger_mismatch' : 'recorded');
    }
  });

  it('a credential whose proof is not an object fails as malformed, alone, and the request is still answered', async () => {
    const good = await issueVc(t.app, inst, { cryptosuite: 'eddsa-jcs-2022' });
    const broken = [null, 'signed', 7].map((entry) => ({ ...(good.vc as object), proof: [entry] }));
    const res = await post(vp([good.vc, ...broken, good.vc]));
    expect(res.statusCode).toBe(400);
    expect(res.json().credentials.map((c: any) => c.reason ?? 'ok')).toEqual(['ok', 'malformed', 'malformed', 'malformed', 'ok']);
    const single = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: broken[0] } });
    expect(single.statusCode, 'a failed verification (VC-API)').toBe(400);
    expect(single.json()).toMatchObject({ verified: false, reason: 'malformed' });
  });

  it('a body without a presentation object is a 400 problem naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/presentations/verify', payload: { presentation: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.json())).toContain('verifiablePresentation');
  });
});
