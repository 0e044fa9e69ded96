import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { KeysTable } from '../db/tables/platform.js';

export type KeyRow = Selectable<KeysTable>;
const COLUMNS = ['id', 'owner', 'purpose', 'algorithm', 'public_key', 'private_key_enc', 'status',
  'created_at', 'retired_at', 'revoked_at', 'revocation_reason'] as const;

export function insertKey(db: Executor, row: Insertable<KeysTable>) {
  return db.insertInto('keys').values(row).execute();
}

export function findActiveKey(db: Executor, owner: string, purpose: string): Promise<KeyRow | undefined> {
  return db.selectFrom('keys').select(COLUMNS).where('owner', '=', owner).where('purpose', '=', purpose)
    .where('status', '=', 'active').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

export function listKeys(db: Executor, owner: string, purpose: string): Promise<KeyRow[]> {
  return db.selectFrom('keys').select(COLUMNS).where('owner', '=', owner).where('purpose', '=', purpose)
    .orderBy('created_at', 'asc').execute();
}

export function findKey(db: Executor, id: string): Promise<KeyRow | undefined> {
  return db.selectFrom('keys').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function retireActiveKeys(db: Executor, owner: string, purpose: string, at: Date) {
  return db.updateTable('keys').set({ status: 'retired', retired_at: at })
    .where('owner', '=', owner).where('purpose', '=', purpose).where('status', '=', 'active').execute();
}

export function revokeKey(db: Executor, id: string, at: Date, reason: string) {
  return db.updateTable('keys').set({ status: 'revoked', revoked_at: at, revocation_reason: reason })
    .where('id', '=', id).execute();
}

/** How many keys (owner, purpose) has had, whatever their status. */
export async function countKeys(db: Executor, owner: string, purpose: string): Promise<number> {
  const row = await db.selectFrom('keys').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('owner', '=', owner).where('purpose', '=', purpose).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Transaction-scoped lock on one (owner, purpose), so two first uses cannot both create a key. */
export async function lockOwnerPurpose(db: Executor, owner: string, purpose: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`keys/${owner}/${purpose}`}, 0))`.execute(db);
}
