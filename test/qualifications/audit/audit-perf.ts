// Latency probe for the audit engine: `npx tsx test/qualifications/audit/audit-perf.ts [runs]`.
import { loadAuditEngine } from '../../../src/qualifications/audit/audit.js';
import { largeProgramme, largeRecord } from './large-case.js';

const runs = Number(process.argv[2] ?? 50);
const engine = await loadAuditEngine();
const programme = largeProgramme();
const times: number[] = [];
let complete = 0;
for (let r = 0; r < runs; r++) {
  const items = largeRecord(300, r + 1);
  const start = performance.now();
  const result = engine.audit(programme, items, { asOf: '2024-06-30' });
  times.push(performance.now() - start);
  if (result.complete) complete += 1;
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
console.log(`runs ${runs}, complete ${complete}; p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
