// Latency probe for the audit engine: `npx tsx test/qualifications/audit/audit-perf.ts [runs]`.
// Reports wall time and process CPU time per audit; on a shared, overloaded machine the CPU
// time is the better estimate of what an idle core would take.
import { loadAuditEngine } from '../../../src/qualifications/audit/audit.js';
import { largeProgramme, largeRecord } from './large-case.js';

const runs = Number(process.argv[2] ?? 50);
const engine = await loadAuditEngine();
const programme = largeProgramme();
const wall: number[] = [];
const cpu: number[] = [];
let complete = 0;
for (let r = 0; r < runs; r++) {
  const items = largeRecord(300, r + 1);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = engine.audit(programme, items, { asOf: '2024-06-30' });
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
  wall.push(performance.now() - start);
  if (result.complete) complete += 1;
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
  return `p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
};
console.log(`runs ${runs}, complete ${complete}`);
console.log(`wall: ${summary(wall)}`);
console.log(`cpu:  ${summary(cpu)}`);
