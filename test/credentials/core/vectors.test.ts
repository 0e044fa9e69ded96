import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../../src/credentials/core/document-loader.js';
import { verifyCredentialProof } from '../../../src/credentials/core/suites.js';
import { readVector } from './fixtures.js';

// The key 1EdTech publishes with its Linked Data Proof test vectors (credentials/vectors/SOURCES.md).
const CONTROLLER = 'https://example.edu/issuers/565049';
const PUBLIC_KEY = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
const VM = `${CONTROLLER}#${PUBLIC_KEY}`;

function specLoader() {
  return createDocumentLoader({
    documents: {
      [CONTROLLER]: {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
        id: CONTROLLER,
        verificationMethod: [{ id: VM, type: 'Multikey', controller: CONTROLLER, publicKeyMultibase: PUBLIC_KEY }],
        assertionMethod: [VM],
      },
    },
  });
}

describe('1EdTech signed examples', () => {
  it('verifies the Open Badges 3.0 signed example from the specification', async () => {
    const result = await verifyCredentialProof(readVector('ob-v3p0-signed-example.json'), { documentLoader: specLoader() });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ verified: true, suite: 'eddsa-rdfc-2022', verificationMethod: VM });
  });

  it('verifies the CLR 2.0 signed example and the achievement credential inside it', async () => {
    const clr = readVector('clr-v2p0-signed-example.json') as any;
    const outer = await verifyCredentialProof(clr, { documentLoader: specLoader() });
    expect(outer.errors).toEqual([]);
    const inner = await verifyCredentialProof(clr.credentialSubject.verifiableCredential[0], { documentLoader: specLoader() });
    expect(inner.errors).toEqual([]);
    expect(outer.verified && inner.verified).toBe(true);
  });

  it('rejects the OB example once its achievement name is altered', async () => {
    const vector = readVector('ob-v3p0-signed-example.json') as any;
    vector.credentialSubject.achievement.name = 'Leadership';
    const result = await verifyCredentialProof(vector, { documentLoader: specLoader() });
    expect(result.verified).toBe(false);
    expect(result.errors[0]?.code).toBe('INVALID_SIGNATURE');
  });

  it('cannot verify the example when the controller document is not provided (no network)', async () => {
    const result = await verifyCredentialProof(readVector('ob-v3p0-signed-example.json'), { documentLoader: createDocumentLoader() });
    expect(result.verified).toBe(false);
    expect(result.errors[0]?.code).toBe('KEY_NOT_FOUND');
    expect(result.errors[0]?.message).toMatch(/remote fetching is disabled/);
  });
});
