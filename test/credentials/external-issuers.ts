import { randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createDocumentLoader } from '../../src/credentials/core/document-loader.js';
import { controllerDocument, generateKey, type IssuerKey } from '../../src/credentials/core/keys.js';
import { signCredential } from '../../src/credentials/core/suites.js';
import { obCredential } from '../helpers/factories.js';

/** An issuer outside the bank: a did:web (or an https URL) with a locally generated Ed25519 key and its DID / controller document. */
export interface ExternalIssuer { did: string; key: IssuerKey; didDocument: Record<string, unknown> }

export async function externalIssuer(did = `did:web:badges-${randomUUID().slice(0, 8)}.example.org`): Promise<ExternalIssuer> {
  const key = await generateKey(did, 'key-1');
  return { did, key, didDocument: controllerDocument(did, [key]) };
}

/** An OB 3.0 credential from the external issuer, signed with its key (Data Integrity, or vc+jwt). */
export async function externalCredential(issuer: ExternalIssuer, suite: 'eddsa-rdfc-2022' | 'vc+jwt' = 'eddsa-rdfc-2022'): Promise<Record<string, unknown> | string> {
  const loader = createDocumentLoader({ documents: { [issuer.did]: issuer.didDocument } });
  const credential = obCredential(issuer.did, { id: `urn:uuid:${randomUUID()}`, validFrom: '2025-01-15T00:00:00Z' });
  return signCredential(credential, { suite, key: issuer.key, documentLoader: loader, now: '2025-01-15T00:00:00Z' });
}

/** An Open Badges 2.0 issuer with its own key pair (RSA for RS256, P-256 for ES256). */
export interface Ob2Issuer { profile: string; keyId: string; privateKey: KeyObject; publicKeyPem: string; alg: 'RS256' | 'ES256' }

export function ob2Issuer(alg: 'RS256' | 'ES256' = 'RS256'): Ob2Issuer {
  const host = `https://ob2-${randomUUID().slice(0, 8)}.example.org`;
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { profile: `${host}/issuer`, keyId: `${host}/keys/1`, privateKey: pair.privateKey, alg,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A signed OB 2.0 assertion (SignedBadge) for `email`, as the compact JWS an issuer hands out. */
export async function signedOb2(issuer: Ob2Issuer, email: string, opts: { creator?: string; alg?: string; key?: KeyObject; salt?: string } = {}): Promise<string> {
  const { createHash } = await import('node:crypto');
  const salt = opts.salt ?? randomUUID();
  const assertion = {
    '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: `urn:uuid:${randomUUID()}`,
    recipient: { type: 'email', hashed: true, salt, identity: `sha256$${createHash('sha256').update(email + salt).digest('hex')}` },
    badge: { id: `${issuer.profile.replace('/issuer', '')}/badges/rust`, type: 'BadgeClass', name: 'Rust Foundations', description: 'd', image: 'data:image/png;base64,iVBORw0KGgo=', criteria: { narrative: 'n' },
      issuer: { id: issuer.profile, type: 'Profile', name: 'OB2 Academy' } },
    verification: { type: 'SignedBadge', creator: opts.creator ?? issuer.keyId }, issuedOn: '2024-06-01T00:00:00Z',
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(assertion))).setProtectedHeader({ alg: opts.alg ?? issuer.alg })
    .sign(opts.key ?? issuer.privateKey);
}
