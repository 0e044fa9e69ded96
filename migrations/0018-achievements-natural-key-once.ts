import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * The natural key (depositing institution + its external id) is held once, by achievement_keys, whose
 * primary key makes it unique across the whole bank. achievements also carried a unique constraint on
 * (learner_id, institution_id, external_id), a weaker copy of the same rule: the deposit writer, the
 * only code that inserts achievements, claims the key first in the same transaction and inserts only
 * the achievements whose keys it won.
 *
 * The copy cost an index insertion of two uuids and a text per deposit (2-4 µs of the server's
 * ≈ 46 µs per deposit on PostgreSQL, +6-7 % deposits/s in alternating runs) and, at 10 million
 * achievements, an index of several hundred megabytes. The transcript read, which used its
 * learner_id prefix, uses the primary key (learner_id, id) instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table achievements drop constraint achievements_natural_uq`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table achievements add constraint achievements_natural_uq unique (learner_id, institution_id, external_id)`.execute(db);
}
