import { describe, expect, it } from 'vitest';
import { createDocumentLoader, DocumentNotFoundError } from '../../../src/credentials/core/document-loader.js';
import { loadBundledContexts } from '../../../src/credentials/core/context-store.js';

const DID_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('document loader', () => {
  it('serves every bundled context listed in the index', async () => {
    const loader = createDocumentLoader();
    for (const url of loadBundledContexts().keys()) {
      const { document } = await loader(url);
      expect(document).toHaveProperty('@context');
    }
    expect(loadBundledContexts().size).toBeGreaterThanOrEqual(17);
  });

  it('derives did:key documents and their verification methods offline', async () => {
    const loader = createDocumentLoader();
    const { document: doc } = await loader(DID_KEY) as { document: any };
    expect(doc.assertionMethod).toEqual([`${DID_KEY}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`]);
    const { document: vm } = await loader(doc.assertionMethod[0]) as { document: any };
    expect(vm).toMatchObject({ type: 'Multikey', controller: DID_KEY, publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' });
  });

  it('resolves did:web through the injected callback, including relative verification method ids', async () => {
    const did = 'did:web:uni.example.cn';
    const loader = createDocumentLoader({
      resolveDid: (d) => (d === did ? { '@context': ['https://www.w3.org/ns/did/v1'], id: did,
        verificationMethod: [{ id: '#key-1', type: 'Multikey', controller: did, publicKeyMultibase: 'z6Mkx' }] } : undefined),
    });
    const { document } = await loader(`${did}#key-1`) as { document: any };
    expect(document).toMatchObject({ id: `${did}#key-1`, controller: did });
    await expect(loader(`${did}#key-9`)).rejects.toThrow(/no verification method/);
    await expect(loader('did:web:other.example')).rejects.toThrow(/not known to this service/);
  });

  it('refuses anything it would have to fetch, with a clear error', async () => {
    const loader = createDocumentLoader();
    await expect(loader('https://example.org/contexts/v1')).rejects.toBeInstanceOf(DocumentNotFoundError);
    await expect(loader('https://example.org/contexts/v1')).rejects.toThrow(/remote fetching is disabled/);
    await expect(loader('did:web:bank.example.cn')).rejects.toThrow(/no DID resolver/);
    await expect(loader('did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv')).rejects.toThrow(/Ed25519/);
  });

  it('answers an https controller from storage only, and only with its own document', async () => {
    const url = 'https://issuer.example.org/profiles/1';
    const stored = { id: url, verificationMethod: [{ id: `${url}#k1`, type: 'Multikey', controller: url, publicKeyMultibase: 'z6Mkx' }] };
    const loader = createDocumentLoader({ resolveController: (u) => (u === url ? stored : u === 'https://liar.example.org/p' ? { id: url } : undefined) });
    expect((await loader(`${url}#k1`) as { document: any }).document).toMatchObject({ id: `${url}#k1`, controller: url });
    await expect(loader('https://unknown.example.org/p')).rejects.toThrow(/remote fetching is disabled/);
    await expect(loader('https://liar.example.org/p')).rejects.toThrow(/stored controller document has id/);
  });

  it('rejects a resolver that answers with another DID document', async () => {
    const loader = createDocumentLoader({ resolveDid: () => ({ id: 'did:web:evil.example' }) });
    await expect(loader('did:web:bank.example.cn')).rejects.toThrow(/resolved DID document has id/);
  });
});
