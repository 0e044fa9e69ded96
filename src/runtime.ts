import v8 from 'node:v8';

/**
 * V8 settings for a long-running server process, applied by src/server.ts before anything is served
 * (and by the benchmarks, so that they measure the service as it runs).
 *
 * Allocation-site pretenuring is off. V8 switches an allocation site to allocate straight into the
 * old generation once most of its objects survive a young collection. Under load a request's objects
 * (an evaluation's candidates, a transcript's rows) often are still in flight at a scavenge, so their
 * sites get pretenured; from then on every request's garbage fills the old generation and waits for a
 * full mark-compact. The decision depends on how the first requests arrived: two server processes whose
 * first previews came fifty at once served 420–910 previews/s with a p99 of 160 ms to 2.5 s over the
 * next 40 s; with pretenuring off, 840/s in the first 10 s (rule index being built), then 1,540–1,660/s
 * with a p99 of 71–100 ms (with pretenuring on, one process's old generation
 * grew from 300 to 700 MB between collections, with scavenges of 7–20 ms; see BENCHMARKS.md). Long-lived
 * data (a rule index, caches) is promoted by two scavenges instead, a one-off cost when it is built.
 * V8 reads the flag at each collection, so setting it at run time, before the first request, works.
 */
export function tuneRuntime(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
