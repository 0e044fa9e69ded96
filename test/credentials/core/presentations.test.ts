import { describe, expect, it } from 'vitest';
import { signPresentation, verifyPresentation } from '../../../src/credentials/core/presentations.js';
import { signCredential } from '../../../src/credentials/core/suites.js';
import { createDocumentLoader } from '../../../src/credentials/core/document-loader.js';
import { controllerDocument, keyFromSeed } from '../../../src/credentials/core/keys.js';
import { ISSUER_DID, NOW, issuerKey, sampleCredential, seed } from './fixtures.js';

async function setup() {
  const issuer = await issuerKey();
  const holderKey0 = await keyFromSeed(seed(50), 'did:key:placeholder');
  // A did:key holder: the controller is the did:key itself, resolved without any callback.
  const holderDid = `did:key:${holderKey0.publicKeyMultibase}`;
  const holder = { ...holderKey0, controller: holderDid, id: `${holderDid}#${holderKey0.publicKeyMultibase}` };
  const issuerDoc = controllerDocument(ISSUER_DID, [issuer]);
  const loader = createDocumentLoader({ resolveDid: (d) => (d === ISSUER_DID ? issuerDoc : undefined) });
  const ldp = await signCredential(sampleCredential(), { key: issuer, documentLoader: loader, now: NOW });
  const jwt = await signCredential(sampleCredential(), { suite: 'vc+jwt', key: issuer, documentLoader: loader, now: NOW });
  const presentation = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder: holderDid,
    verifiableCredential: [ldp, { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt as string}` }],
  };
  return { holder, loader, presentation };
}

describe('presentations', () => {
  it('verifies a holder-signed presentation with the expected challenge and domain, and each credential in it', async () => {
    const { holder, loader, presentation } = await setup();
    const vp = await signPresentation(presentation, { key: holder, documentLoader: loader, challenge: 'c-123', domain: 'verify.bank.example.cn', now: NOW });
    const result = await verifyPresentation(vp, { documentLoader: loader, challenge: 'c-123', domain: 'verify.bank.example.cn' });
    expect(result.presentation.errors).toEqual([]);
    expect(result.credentials.map((c) => [c.verified, c.suite])).toEqual([[true, 'eddsa-rdfc-2022'], [true, 'vc+jwt']]);
    expect(result.verified).toBe(true);
  });

  it('rejects a replayed presentation (different challenge)', async () => {
    const { holder, loader, presentation } = await setup();
    const vp = await signPresentation(presentation, { key: holder, documentLoader: loader, challenge: 'c-123', now: NOW });
    const result = await verifyPresentation(vp, { documentLoader: loader, challenge: 'c-999' });
    expect(result.verified).toBe(false);
    expect(result.presentation.errors[0]?.code).toBe('PURPOSE_MISMATCH');
  });

  it('rejects a presentation signed by someone other than the holder', async () => {
    const { loader, presentation } = await setup();
    const stranger = await keyFromSeed(seed(60), 'did:key:x');
    const did = `did:key:${stranger.publicKeyMultibase}`;
    const key = { ...stranger, controller: did, id: `${did}#${stranger.publicKeyMultibase}` };
    const vp = await signPresentation(presentation, { key, documentLoader: loader, challenge: 'c', now: NOW });
    const result = await verifyPresentation(vp, { documentLoader: loader, challenge: 'c' });
    expect(result.presentation.errors[0]?.code).toBe('KEY_NOT_AUTHORIZED');
  });
});
