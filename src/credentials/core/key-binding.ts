import type { DocumentLoader } from './document-loader.js';
import type { JsonObject } from './did-key.js';
import { proofError, type ProofError } from './proof-result.js';

/**
 * Checks that a verification method is authorised for `purpose` by its controller document and that
 * the controller is the credential's issuer (what jsonld-signatures' CredentialIssuancePurpose does for
 * Data Integrity proofs; JOSE proofs need it done by hand).
 */
export async function checkKeyBinding(
  vm: JsonObject,
  issuer: string | undefined,
  purpose: 'assertionMethod' | 'authentication',
  documentLoader: DocumentLoader,
): Promise<ProofError[]> {
  const controller = typeof vm.controller === 'string' ? vm.controller : undefined;
  if (!controller) return [proofError('KEY_NOT_AUTHORIZED', `verification method "${String(vm.id)}" has no controller`)];
  if (issuer !== undefined && issuer !== controller) {
    return [proofError('KEY_NOT_AUTHORIZED', `key controller "${controller}" is not the issuer "${issuer}"`)];
  }
  const { document } = await documentLoader(controller);
  const listed = (document as JsonObject)[purpose];
  const entries = Array.isArray(listed) ? listed : listed ? [listed] : [];
  const fragment = String(vm.id).slice(controller.length);
  const ok = entries.some((e) => {
    const id = typeof e === 'string' ? e : (e as JsonObject).id;
    return id === vm.id || id === fragment;
  });
  return ok ? [] : [proofError('KEY_NOT_AUTHORIZED', `"${String(vm.id)}" is not listed under ${purpose} of "${controller}"`)];
}
