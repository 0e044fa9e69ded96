import run, { type LibraryTask } from './credentials-library-worker.js';

/**
 * One process of the "library in every core, as processes" measurement (credentials.bench.ts): the
 * same loop as the library worker thread, in a process of its own, so the bench can tell what the
 * machine gives separate processes from what it gives threads of one process. Forked with an IPC
 * channel: it warms up on the task it is sent, says 'ready', and runs the timed loop on 'go' (all
 * processes start together), then sends { count, elapsedMs } and exits.
 */
process.once('message', (task: LibraryTask) => {
  void (async () => {
    await run({ ...task, ms: task.ms / 2 }); // warm-up
    process.once('message', () => {
      void run(task).then((result) => process.send!(result, () => process.exit(0)));
    });
    process.send!('ready');
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
