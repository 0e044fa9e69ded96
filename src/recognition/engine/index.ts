// The recognition engine's public surface: pure evaluation of achievements against rules.
export { evaluate } from './evaluate.js';
export { indexRules, type RuleIndex } from './rule-index.js';
export { loadSolver, type Solver } from './solver.js';
export type * from './types.js';
export type * from './result-types.js';
