import { CONTEXT_URLS, loadBundledContexts } from './context-store.js';
import { didKeyDocument, isEd25519DidKey, type JsonObject } from './did-key.js';

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
  /**
   * 'static' for the bundled contexts: they never change, so jsonld may keep them resolved (and
   * the contexts processed from them) across operations instead of resolving them on every call.
   */
  tag?: 'static';
}
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Resolves a DID (no fragment) to its DID document, or undefined when the DID is unknown. */
export type ResolveDid = (did: string) => Promise<JsonObject | undefined> | JsonObject | undefined;

export interface DocumentLoaderOptions {
  /** did:web and other non-did:key DIDs; the service answers from its own database. */
  resolveDid?: ResolveDid;
  /** Controller documents of https issuers (OB 3.0 allows an issuer URL), answered from storage, never fetched. */
  resolveController?: ResolveDid;
  /** Extra controller documents pinned by configuration or tests, keyed by URL (no fragment). */
  documents?: Readonly<Record<string, JsonObject>>;
}

/** A URL the loader refuses to resolve; the message says why (the loader never uses the network). */
export class DocumentNotFoundError extends Error {
  readonly code = 'DOCUMENT_NOT_FOUND';
  constructor(readonly url: string, reason: string) {
    super(`Cannot load "${url}": ${reason}`);
    this.name = 'DocumentNotFoundError';
  }
}

const remote = (documentUrl: string, document: unknown): RemoteDocument =>
  ({ contextUrl: null, documentUrl, document });

/**
 * A JSON-LD document loader for bundled contexts, did:key, injected DID resolution and pinned
 * controller documents. It never touches the network: anything else fails with DocumentNotFoundError.
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const contexts = loadBundledContexts();
  return async (url: string) => {
    const context = contexts.get(url);
    if (context !== undefined) return { ...remote(url, context), tag: 'static' };
    const [base = url, fragment] = url.split('#', 2);
    const controllerDoc = await loadController(base, url, options);
    if (fragment === undefined) return remote(url, controllerDoc);
    return remote(url, findVerificationMethod(controllerDoc, base, url));
  };
}

async function loadController(base: string, url: string, options: DocumentLoaderOptions): Promise<JsonObject> {
  if (base.startsWith('did:key:')) {
    if (!isEd25519DidKey(base)) throw new DocumentNotFoundError(url, 'only Ed25519 did:key is supported');
    return didKeyDocument(base);
  }
  const pinned = options.documents?.[base];
  if (pinned) return pinned;
  if (base.startsWith('did:')) {
    if (!options.resolveDid) throw new DocumentNotFoundError(url, 'no DID resolver was configured');
    const doc = await options.resolveDid(base);
    if (!doc) throw new DocumentNotFoundError(url, `DID "${base}" is not known to this service`);
    if (doc.id !== base) throw new DocumentNotFoundError(url, `resolved DID document has id "${String(doc.id)}"`);
    return doc;
  }
  const stored = base.startsWith('https://') ? await options.resolveController?.(base) : undefined;
  if (stored) {
    if (stored.id !== base) throw new DocumentNotFoundError(url, `stored controller document has id "${String(stored.id)}"`);
    return stored;
  }
  throw new DocumentNotFoundError(url, 'not a bundled context, did:key or known DID; remote fetching is disabled');
}

/** Finds a verification method by absolute or relative (#fragment) id in any relationship of the document. */
function findVerificationMethod(doc: JsonObject, base: string, url: string): JsonObject {
  const fragment = url.slice(base.length);
  const relations = ['verificationMethod', 'assertionMethod', 'authentication',
    'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'];
  for (const rel of relations) {
    const values = doc[rel];
    for (const vm of Array.isArray(values) ? values : values ? [values] : []) {
      if (typeof vm === 'object' && vm !== null) {
        const { id } = vm as JsonObject;
        if (id === url || id === fragment) {
          return { '@context': CONTEXT_URLS.multikeyV1, ...vm, id: url, controller: (vm as JsonObject).controller ?? base };
        }
      }
    }
  }
  throw new DocumentNotFoundError(url, `no verification method with that id in "${base}"`);
}
