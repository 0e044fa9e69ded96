import { arch, cpus, totalmem } from 'node:os';
import { tuneRuntime } from '../src/runtime.js';
import { BENCHMARKS, type BenchContext } from './registry.js';

/**
 * `npm run bench [-- --smoke] [-- --only name]`: runs every registered benchmark and prints a
 * markdown section (machine, date, figures) to paste into BENCHMARKS.md. --smoke uses tiny sizes so
 * CI can check that the benchmarks still run.
 */
async function main(): Promise<void> {
  tuneRuntime(); // the service's V8 settings (src/server.ts), for the servers the benchmarks start in this process
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
  const ctx: BenchContext = { smoke, postgresUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`## Run of ${new Date().toISOString()}${smoke ? ' (smoke)' : ''}`);
  console.log(`Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${arch()}, Node ${process.version}\n`);
  for (const bench of BENCHMARKS) {
    if (only && bench.name !== only) continue;
    const started = Date.now();
    console.log(`### ${bench.name}\n`);
    const lines = await bench.run(ctx);
    for (const line of lines) console.log(line);
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
