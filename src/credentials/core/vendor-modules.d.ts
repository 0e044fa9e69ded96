// Minimal typings for untyped Digital Bazaar packages: only what the core modules call.
declare module '@digitalbazaar/vc' {
  export function issue(opts: Record<string, unknown>): Promise<Record<string, unknown>>;
  export function signPresentation(opts: Record<string, unknown>): Promise<Record<string, unknown>>;
  export function createPresentation(opts: Record<string, unknown>): Record<string, unknown>;
  export class CredentialIssuancePurpose {
    constructor(opts?: Record<string, unknown>);
  }
}
declare module 'jsonld-signatures' {
  interface VerifyResult { verified: boolean; error?: unknown; results?: unknown[] }
  const jsigs: {
    verify(doc: unknown, opts: Record<string, unknown>): Promise<VerifyResult>;
    purposes: {
      AuthenticationProofPurpose: new (opts: Record<string, unknown>) => unknown;
      AssertionProofPurpose: new (opts?: Record<string, unknown>) => unknown;
    };
  };
  export default jsigs;
}
declare module 'jsonld' {
  const jsonld: {
    canonize(input: unknown, opts: Record<string, unknown>): Promise<string>;
  };
  export default jsonld;
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(opts: Record<string, unknown>);
  }
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: Record<string, unknown>;
}
declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  export function createSignCryptosuite(): Record<string, unknown>;
  export function createVerifyCryptosuite(): Record<string, unknown>;
}
declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    id?: string; controller?: string; publicKeyMultibase: string; secretKeyMultibase?: string;
    publicKey: Uint8Array; secretKey?: Uint8Array;
    signer(): { algorithm: string; id: string; sign(o: { data: Uint8Array }): Promise<Uint8Array> };
    export(o: Record<string, unknown>): Promise<Record<string, unknown>>;
  }
  export function generate(o?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519KeyPair>;
  export function toJwk(o: { keyPair: Ed25519KeyPair; secretKey?: boolean }): Promise<Record<string, string>>;
  export function fromJwk(o: { jwk: Record<string, unknown>; secretKey?: boolean; id?: string; controller?: string }): Promise<Ed25519KeyPair>;
}
