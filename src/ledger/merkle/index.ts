// The ledger's pure Merkle core: RFC 9162 hashing, proofs from stored perfect nodes, tree heads.
export * from './hashing.js';
export * from './ledger-entry.js';
export * from './tree-math.js';
export * from './proof-plan.js';
export * from './frontier.js';
export * from './verify.js';
export * from './tree-head.js';
export * from './proof-json.js';
