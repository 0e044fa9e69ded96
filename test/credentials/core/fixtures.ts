import { readFileSync } from 'node:fs';
import { createDocumentLoader } from '../../../src/credentials/core/document-loader.js';
import { controllerDocument, keyFromSeed, type IssuerKey } from '../../../src/credentials/core/keys.js';
import { CONTEXT_URLS } from '../../../src/credentials/core/context-store.js';

export const NOW = new Date('2025-03-01T08:00:00Z');
export const ISSUER_DID = 'did:web:bank.example.cn';

/** A fixed key: seed bytes are 1..32 (tests must be deterministic). */
export function seed(offset = 0): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (i + 1 + offset) % 256);
}

export async function issuerKey(offset = 0, controller = ISSUER_DID): Promise<IssuerKey> {
  return keyFromSeed(seed(offset), controller, `key-${offset}`);
}

/** A loader that resolves our issuer DID to a document listing `keys`. */
export function loaderFor(keys: IssuerKey[], controller = ISSUER_DID) {
  const doc = controllerDocument(controller, keys);
  return createDocumentLoader({ resolveDid: (did) => (did === controller ? doc : undefined) });
}

export function sampleCredential(): Record<string, unknown> {
  return {
    '@context': [CONTEXT_URLS.credentialsV2, CONTEXT_URLS.obV3],
    id: 'urn:uuid:6a8f7c0e-2a44-4c8e-9d0a-0f1e2d3c4b5a',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: ISSUER_DID, type: ['Profile'], name: '广东终身教育学分银行' },
    validFrom: '2025-01-15T00:00:00Z',
    name: '数据科学微专业',
    credentialSubject: {
      id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      type: ['AchievementSubject'],
      creditsEarned: 12.5,
      achievement: {
        id: 'https://bank.example.cn/achievements/ds-micro',
        type: ['Achievement'],
        name: 'Data Science Micro-major 𠀀',
        description: 'Six courses in data science.',
        criteria: { narrative: 'Pass all six courses.' },
      },
    },
  };
}

export function readVector(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../credentials/vectors/${name}`, import.meta.url), 'utf8'));
}
