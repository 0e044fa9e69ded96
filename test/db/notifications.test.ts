import { describe, expect, it } from 'vitest';
import { PgNotifications } from '../../src/db/notifications.js';

describe('PostgreSQL notification source', () => {
  it('stays not live and keeps retrying while the server cannot be reached, and closes cleanly', async () => {
    const errors: Error[] = [];
    const states: boolean[] = [];
    let retried!: () => void;
    const secondError = new Promise<void>((resolve) => { retried = resolve; });
    const source = new PgNotifications('postgres://postgres@127.0.0.1:1/none', {
      minBackoffMs: 5, maxBackoffMs: 20, onError: (err) => { errors.push(err); if (errors.length === 2) retried(); },
    });
    await source.listen('learner_changed', { message: () => undefined, live: (live) => states.push(live) });
    await secondError;
    expect(states).not.toContain(true);
    await source.close();
    await expect(source.listen('learner_changed', { message: () => undefined, live: () => undefined })).rejects.toThrow('closed');
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    const source = new PgNotifications('postgres://postgres@127.0.0.1:1/none');
    await expect(source.listen('x; drop table learners', { message: () => undefined, live: () => undefined })).rejects.toThrow('invalid channel');
    await source.close();
  });
});
