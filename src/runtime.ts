import v8 from 'node:v8';

/**
 * Node flags a server process needs from its start (V8 reads them when it sets up the heap, so
 * `setFlagsFromString` cannot apply them later): `npm start` passes them (package.json), and so do
 * the benchmarks' spawned servers (bench/support.ts); server processes forked by the supervisor
 * inherit them. A test checks that package.json's scripts carry each one.
 *
 * A 64 MB semi-space (a young generation of up to 128 MB instead of V8's default 32 MB). A preview
 * allocates about 500 KB, nearly all of it garbage by the next collection. With the default, each of
 * two server processes under 50 clients ran 38 scavenges a second at 1.2 ms (median; p99 6 ms),
 * 46 ms of pauses a second; with 64 MB, 9 a second at 2.0 ms (p99 6–12 ms), 19 ms a second: what a
 * scavenge copies is the in-flight requests' objects, not the garbage (--trace-gc, steady state).
 * Alternated runs on one machine (BENCHMARKS.md): 2,152–2,283 → 2,313–2,359 previews/s. The cost is
 * up to 96 MB more memory per process under load.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'] as const;

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
