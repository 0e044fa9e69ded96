import { readFileSync } from 'node:fs';

/** Folder of the bundled contexts, resolved from this module so it works from any working directory. */
export const CONTEXTS_DIR = new URL('../../../credentials/contexts/', import.meta.url);

// Parsed once per process (or worker thread) and deep-frozen: shared read-only data, not mutable state.
let bundled: ReadonlyMap<string, unknown> | undefined;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Every bundled JSON-LD context keyed by its URL, as listed in credentials/contexts/index.json. */
export function loadBundledContexts(): ReadonlyMap<string, unknown> {
  if (bundled) return bundled;
  const index = JSON.parse(readFileSync(new URL('index.json', CONTEXTS_DIR), 'utf8')) as Record<string, string>;
  const byFile = new Map<string, unknown>();
  const map = new Map<string, unknown>();
  for (const [url, file] of Object.entries(index)) {
    if (!byFile.has(file)) {
      byFile.set(file, deepFreeze(JSON.parse(readFileSync(new URL(file, CONTEXTS_DIR), 'utf8'))));
    }
    map.set(url, byFile.get(file));
  }
  bundled = map;
  return map;
}

export const CONTEXT_URLS = {
  credentialsV2: 'https://www.w3.org/ns/credentials/v2',
  credentialsV1: 'https://www.w3.org/2018/credentials/v1',
  dataIntegrityV2: 'https://w3id.org/security/data-integrity/v2',
  multikeyV1: 'https://w3id.org/security/multikey/v1',
  didV1: 'https://www.w3.org/ns/did/v1',
  obV3: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  clrV2: 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
  /** Defines 1EdTechJsonSchemaValidator2019, the credentialSchema type 1EdTech's examples use. */
  obExtensions: 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
} as const;
