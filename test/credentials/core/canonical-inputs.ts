import { buildAchievementCredential, buildClrCredential } from '../../../src/credentials/core/builders.js';
import { createDocumentLoader } from '../../../src/credentials/core/document-loader.js';
import { controllerDocument } from '../../../src/credentials/core/keys.js';
import { buildStatusEntry, buildStatusListCredential, createBitstring, setBit } from '../../../src/credentials/core/status-list.js';
import { signCredential } from '../../../src/credentials/core/suites.js';
import { CONTEXT_URLS } from '../../../src/credentials/core/context-store.js';
import { ISSUER_DID, NOW, issuerKey, readVector, sampleCredential } from './fixtures.js';

/**
 * Documents whose RDFC-1.0 canonical N-Quads are pinned in canonical-forms.json. They cover what
 * the service canonicalises: OB 3.0 and CLR 2.0 credentials (type- and property-scoped contexts,
 * @graph containers for embedded proofs and credentials), proof configurations, status list
 * credentials, controller documents and presentations. The pinned forms were produced by jsonld
 * 9.0.0 as published, before patches/jsonld+9.0.0.patch (see canonical-forms.test.ts).
 */
export async function canonicalInputs(): Promise<Record<string, Record<string, unknown>>> {
  const controllers = readVector('1edtech-controllers.json') as Record<string, Record<string, unknown>>;
  const obExample = readVector('ob-v3p0-signed-example.json');
  const clrExample = readVector('clr-v2p0-signed-example.json');
  const { proof: obProof, ...obUnsigned } = obExample as Record<string, unknown> & { proof: Record<string, unknown> };
  const { proof: _clrProof, ...clrUnsigned } = clrExample;
  const { proofValue: _pv, ...obProofConfig } = obProof;
  const key = await issuerKey(0);
  const listUrl = 'https://bank.example.cn/status/3';
  const bits = createBitstring();
  setBit(bits, 7, true);
  const builtCredential = buildAchievementCredential({
    id: 'urn:uuid:00000000-0000-4000-8000-000000000042',
    issuer: { id: ISSUER_DID, name: '广东终身教育学分银行 Guangdong Credit Bank' },
    achievement: { id: 'https://bank.example.cn/catalogue/cs-101', name: '数据结构 Data Structures', description: 'Course', achievementType: 'Course',
      criteria: { narrative: 'Pass the exam' }, creditsAvailable: '4', fieldOfStudy: '0613',
      alignment: [{ targetName: 'EQF level 6', targetUrl: 'https://bank.example.cn/frameworks/eqf/6', targetFramework: 'EQF', targetCode: '6' }] },
    subject: { identifier: [{ identityType: 'identifier', identityHash: `sha256$${'cd'.repeat(32)}`, salt: 'salt-42' }], creditsEarned: '4', result: [{ value: 'A' }],
      activityStartDate: '2024-09-01T00:00:00Z', activityEndDate: '2025-01-10T00:00:00Z' },
    validFrom: '2025-01-15T00:00:00Z',
    credentialStatus: [buildStatusEntry(listUrl, 7, 'revocation')],
  });
  const loader = createDocumentLoader({ resolveDid: (did) => (did === ISSUER_DID ? controllerDocument(ISSUER_DID, [key]) : undefined) });
  const signedBuilt = await signCredential(builtCredential, { key, documentLoader: loader, now: NOW }) as Record<string, unknown>;
  return {
    'ob-example': obUnsigned,
    'ob-example-proof-config': { ...obProofConfig, '@context': obExample['@context'] },
    'clr-example': clrUnsigned,
    'sample-credential': sampleCredential(),
    'built-credential': builtCredential,
    'built-credential-signed': signedBuilt,
    'clr-built': buildClrCredential({
      id: 'urn:uuid:00000000-0000-4000-8000-0000000000c1', name: 'Transcript', issuer: { id: ISSUER_DID, name: 'Bank' },
      validFrom: '2025-02-01T00:00:00Z', subject: { identifier: [{ identityType: 'identifier', identityHash: `sha256$${'ab'.repeat(32)}`, salt: 's' }] },
      credentials: [signedBuilt], partial: true,
    }),
    'status-list': buildStatusListCredential({ id: listUrl, issuer: ISSUER_DID, validFrom: '2025-01-01T00:00:00Z', statusPurpose: 'revocation', bits }),
    'controller-document': controllerDocument(ISSUER_DID, [key]),
    '1edtech-controller': controllers['https://example.edu/issuers/565049']!,
    presentation: { '@context': [CONTEXT_URLS.credentialsV2], type: ['VerifiablePresentation'], holder: 'did:example:holder', verifiableCredential: [obExample, signedBuilt] },
    ...scopedContextCases(),
  };
}

const EX = 'http://example.org/';

/**
 * Small documents for the context rules the patch touches, each meant to come out differently if a
 * processed context were shared wrongly: a type-scoped term must not reach nested nodes (the
 * previous context is restored there), a term redefined by a type-scoped context must come back with
 * its first definition, a property-scoped context may override a protected term while an embedded
 * context may not (an error), and nested and propagating type-scoped contexts.
 */
function scopedContextCases(): Record<string, Record<string, unknown>> {
  const base = { '@version': 1.1, '@vocab': EX };
  const typed = { '@id': `${EX}T`, '@context': { p: `${EX}typeScopedP` } };
  const redefined = { ...base, p: { '@id': `${EX}original`, '@type': '@id' }, T: { '@id': `${EX}T`, '@context': { p: { '@id': `${EX}scoped` } } } };
  const protectedCtx = { ...base, '@protected': true, name: `${EX}name`, prop: { '@id': `${EX}prop`, '@context': { name: `${EX}otherName` } } };
  return {
    'scoped-type-does-not-propagate': { '@context': { ...base, T: typed }, '@id': `${EX}a`, '@type': 'T', p: 'x', child: { '@id': `${EX}b`, p: 'y' } },
    'scoped-type-redefinition-reverts': { '@context': redefined, '@id': `${EX}a`, '@type': 'T', p: 'x', child: { '@id': `${EX}b`, p: `${EX}y`, more: { '@type': 'T', p: 'z' } } },
    'scoped-property-overrides-protected': { '@context': protectedCtx, '@id': `${EX}a`, name: 'b', prop: { '@id': `${EX}c`, name: 'a' } },
    'scoped-embedded-cannot-override-protected': { '@context': protectedCtx, '@id': `${EX}a`, name: 'b', other: { '@context': { name: `${EX}otherName` }, name: 'a' } },
    'scoped-nested-and-propagating': {
      '@context': { ...base, T: typed, U: { '@id': `${EX}U`, '@context': { '@propagate': true, q: `${EX}propagatedQ` } } },
      '@id': `${EX}a`, '@type': ['U'], q: 1, child: { '@id': `${EX}b`, q: 2, '@type': 'T', p: 'x', grandchild: { '@id': `${EX}c`, p: 'y', q: 3 } },
    },
  };
}
