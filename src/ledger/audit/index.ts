// The ledger auditor's pure core: streams entries, recomputes the tree, judges signed heads.
export * from './audit-types.js';
export * from './audit-log.js';
export * from './audit-heads.js';
export * from './check-inclusion.js';
