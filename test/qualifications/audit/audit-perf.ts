// Latency probe for the audit engine: `npx tsx test/qualifications/audit/audit-perf.ts [runs]`.
// Runs the current solver and the one before the latency work (baseline/) on the same records,
// interleaved so load on the shared machine hits both alike. Reports wall time and process CPU
// time per audit; on an overloaded machine the CPU time is the better estimate of an idle core.
// A few warm-up audits on other records come first (the service is long-running, so JIT
// compilation is paid once); the cold first call is reported on its own.
import { auditWith, type CoverageSolve } from '../../../src/qualifications/audit/audit.js';
import { solveCoverage } from '../../../src/qualifications/audit/exact-solve.js';
import { loadHighsSolver } from '../../../src/qualifications/audit/highs-solver.js';
import type { AuditItem } from '../../../src/qualifications/audit/programme.js';
import { solveCoverage as baselineSolve } from './baseline/exact-solve.js';
import { largeProgramme, largeRecord } from './large-case.js';

const runs = Number(process.argv[2] ?? 50);
const solver = await loadHighsSolver();
const programme = largeProgramme();
const options = { asOf: '2024-06-30' };

function timed(solve: CoverageSolve, items: AuditItem[]): { cpu: number; wall: number; complete: boolean } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = auditWith(solver, programme, items, options, new Set(), solve);
  const used = process.cpuUsage(cpuStart);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - start, complete: result.complete };
}

const cold = timed(solveCoverage, largeRecord(300, 1_000_001));
for (let w = 0; w < 5; w++) for (const solve of [solveCoverage, baselineSolve]) timed(solve, largeRecord(300, 1_000_002 + w));
const engines = { before: baselineSolve, after: solveCoverage };
const samples = { before: { cpu: [] as number[], wall: [] as number[] }, after: { cpu: [] as number[], wall: [] as number[] } };
let complete = 0;
let disagreements = 0;
for (let r = 0; r < runs; r++) {
  const items = largeRecord(300, r + 1);
  const outcome: Record<string, boolean> = {};
  for (const name of (r % 2 === 0 ? ['before', 'after'] : ['after', 'before']) as (keyof typeof engines)[]) {
    const t = timed(engines[name], items);
    samples[name].cpu.push(t.cpu);
    samples[name].wall.push(t.wall);
    outcome[name] = t.complete;
  }
  if (outcome.after) complete += 1;
  if (outcome.after !== outcome.before) disagreements += 1;
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
  return `p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
};
console.log(`runs ${runs}, complete ${complete}, before/after disagree on completeness ${disagreements}`);
console.log(`cold first audit: cpu ${cold.cpu.toFixed(1)} ms, wall ${cold.wall.toFixed(1)} ms`);
for (const name of ['before', 'after'] as const) {
  console.log(`${name} wall: ${summary(samples[name].wall)}`);
  console.log(`${name} cpu:  ${summary(samples[name].cpu)}`);
}
