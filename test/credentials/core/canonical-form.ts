import jsonld from 'jsonld';
import type { DocumentLoader } from '../../../src/credentials/core/document-loader.js';

/**
 * RDFC-1.0 canonical N-Quads with the options eddsa-rdfc-2022 signs with (its lib/canonize.js), or
 * `error: <JSON-LD error code>` when the document cannot be processed.
 */
export async function canonicalForm(doc: Record<string, unknown>, documentLoader: DocumentLoader): Promise<string> {
  try {
    return await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', base: null, safe: true,
      rdfDirection: 'i18n-datatype', produceGeneralizedRdf: false, documentLoader,
    });
  } catch (e) {
    const err = e as { details?: { code?: string }; name?: string };
    return `error: ${err.details?.code ?? err.name ?? 'unknown'}`;
  }
}
