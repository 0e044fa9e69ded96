import { randomUUID } from 'node:crypto';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import { actorOf, type Actor } from '../../auth/principal.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import type { Db, Executor } from '../../db/database.js';
import { conflict, forbidden, invalidField, notFound } from '../../errors.js';
import type { InstitutionService } from '../../institutions/institutions.service.js';
import type { AgreementWindow } from '../engine/index.js';
import { withinDates } from '../engine/dates.js';
import { bilingual } from '../evaluation/display-names.js';
import * as repo from './agreements.repository.js';

export interface Party { institutionId: string; joinedOn: string; leftOn: string | null }
export interface Agreement {
  id: string; kind: 'bilateral' | 'regional' | 'international'; name: { zh: string | null; en: string };
  effectiveFrom: string; effectiveTo: string | null; status: string; parties: Party[]; createdAt: string;
  /** Ended as a whole: not in force from `on` (effectiveTo is the day before). */
  end: { on: string; reason: string } | null;
}
export interface NewAgreement {
  kind: Agreement['kind']; name: { zh?: string; en: string }; effectiveFrom: string; effectiveTo?: string;
  parties: { institutionId: string; joinedOn?: string }[];
}

export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);

// A party leaving (or an agreement ending) on D no longer applies ON D, while the engine's windows are inclusive.
const lastDay = (leftOn: string | null): string | null =>
  leftOn === null ? null : new Date(Date.parse(`${leftOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

function toAgreement(a: repo.AgreementRow, parties: repo.PartyRow[]): Agreement {
  return {
    id: a.id, kind: a.kind, name: { zh: a.name_zh, en: a.name_en }, effectiveFrom: a.effective_from, effectiveTo: a.effective_to,
    status: a.status, createdAt: a.created_at.toISOString(),
    end: a.ended_on === null ? null : { on: a.ended_on, reason: a.end_reason ?? '' },
    parties: parties.filter((p) => p.agreement_id === a.id).map((p) => ({ institutionId: p.institution_id, joinedOn: p.joined_on, leftOn: p.left_on })),
  };
}

/** Membership dates are never in the past: joining or leaving takes effect from today at the earliest. */
function notRetroactive(date: string, today: string, pointer: string): void {
  if (date < today) throw invalidField(pointer, 'retroactive_date', `${date} is in the past; membership changes apply from today (${today}) on`);
}

export class AgreementService {
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly db: Db, private readonly institutions: InstitutionService, private readonly now: () => Date) {}

  /** Called after any agreement or membership change commits (the evaluator drops its rule indexes). */
  onChanged(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  async create(input: NewAgreement, actor: Actor): Promise<Agreement> {
    const p = actor.principal;
    const ids = input.parties.map((x) => x.institutionId);
    if (new Set(ids).size !== ids.length) throw invalidField('/body/parties', 'duplicate_party', 'An institution is listed twice');
    if (p.kind === 'institution') {
      if (input.kind !== 'bilateral') throw forbidden('operator_only', 'Only the operator creates regional and international agreements');
      if (!ids.includes(p.institutionId)) throw forbidden('not_a_party', 'An institution may only create an agreement it is party to');
    }
    if (input.kind === 'bilateral' && ids.length !== 2) throw invalidField('/body/parties', 'bilateral_needs_two', 'A bilateral agreement has exactly two parties');
    if (input.effectiveTo !== undefined && input.effectiveTo < input.effectiveFrom) throw invalidField('/body/effectiveTo', 'invalid_dates', 'effectiveTo is before effectiveFrom');
    for (const [i, id] of ids.entries()) {
      await this.institutions.get(id).catch(() => { throw invalidField(`/body/parties/${i}/institutionId`, 'unknown_institution', `No institution ${id}`); });
    }
    const at = this.now();
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await repo.insertAgreement(trx, {
        id, kind: input.kind, name_zh: input.name.zh ?? null, name_en: input.name.en, effective_from: input.effectiveFrom,
        effective_to: input.effectiveTo ?? null, status: 'active', created_by: actorOf(p), created_at: at, changed_at: at,
      }, input.parties.map((x) => ({ agreement_id: id, institution_id: x.institutionId, joined_on: x.joinedOn ?? input.effectiveFrom, left_on: null })));
      await recordWrite(trx, actor, { action: 'agreement.create', resourceType: 'recognition_agreement', resourceId: id, detail: { parties: ids } }, at);
    });
    this.changed();
    return this.get(id);
  }

  async get(id: string, db: Executor = this.db): Promise<Agreement> {
    const a = await repo.findAgreement(db, id);
    if (!a) throw notFound('agreement', id);
    return toAgreement(a, await repo.partiesOf(db, [id]));
  }

  async list(f: { institutionId?: string; kind?: string; after?: string; limit: number }) {
    const rows = await repo.listAgreements(this.db, f);
    const shown = rows.slice(0, f.limit);
    const parties = await repo.partiesOf(this.db, shown.map((r) => r.id));
    return { items: shown.map((r) => toAgreement(r, parties)), next: rows.length > f.limit ? shown[shown.length - 1]!.id : null };
  }

  async join(id: string, institutionId: string, joinedOn: string, actor: Actor): Promise<Agreement> {
    assertActsForInstitution(actor.principal, institutionId);
    notRetroactive(joinedOn, todayOf(this.now()), '/body/joinedOn');
    await this.institutions.get(institutionId);
    return this.change(id, actor, async (trx, a, at) => {
      if (a.end !== null && joinedOn >= a.end.on) throw conflict('agreement_ended', `The agreement ends on ${a.end.on}; nobody joins it from ${joinedOn}`);
      if (a.parties.some((p) => p.institutionId === institutionId && (p.leftOn === null || p.leftOn >= joinedOn))) {
        throw conflict('already_party', `${institutionId} is a party to this agreement on ${joinedOn}`);
      }
      await repo.addParty(trx, { agreement_id: id, institution_id: institutionId, joined_on: joinedOn, left_on: null }, at);
      return { action: 'agreement.join', detail: { institutionId, joinedOn } };
    });
  }

  async leave(id: string, institutionId: string, leftOn: string, actor: Actor): Promise<Agreement> {
    assertActsForInstitution(actor.principal, institutionId);
    notRetroactive(leftOn, todayOf(this.now()), '/body/leftOn');
    return this.change(id, actor, async (trx, a, at) => {
      const current = a.parties.find((p) => p.institutionId === institutionId && p.leftOn === null);
      if (!current) throw conflict('not_a_party', `${institutionId} is not a current party to this agreement`);
      if (leftOn < current.joinedOn) throw invalidField('/body/leftOn', 'invalid_dates', 'leftOn is before the party joined');
      await repo.setLeft(trx, { agreementId: id, institutionId, joinedOn: current.joinedOn, leftOn }, at);
      return { action: 'agreement.leave', detail: { institutionId, leftOn } };
    });
  }

  /**
   * Ends the agreement as a whole from `endsOn` (today or later, never retroactive): its rules stop
   * applying on that date for every party. The operator ends any agreement; a current party ends
   * only a bilateral one (from a regional or international agreement a party leaves instead).
   * Repeating the same end is a no-op; a different end of an ended agreement is a conflict.
   */
  async end(id: string, endsOn: string, reason: string, actor: Actor): Promise<Agreement> {
    const today = todayOf(this.now());
    return this.change(id, actor, async (trx, a, at) => {
      this.assertMayEnd(actor, a, today);
      if (a.end !== null) {
        if (a.end.on === endsOn && a.end.reason === reason) return undefined;
        throw conflict('agreement_ended', `The agreement already ends on ${a.end.on}`);
      }
      notRetroactive(endsOn, today, '/body/endsOn');
      const last = lastDay(endsOn)!;
      if (a.effectiveTo !== null && a.effectiveTo < last) throw conflict('agreement_ends_earlier', `The agreement already ends after ${a.effectiveTo}`);
      await repo.setEnded(trx, { id, endsOn, lastDay: last, reason, by: actorOf(actor.principal) }, at);
      return { action: 'agreement.end', detail: { endsOn, reason } };
    });
  }

  private assertMayEnd(actor: Actor, a: Agreement, today: string): void {
    const p = actor.principal;
    if (p.kind === 'operator') return;
    if (p.kind !== 'institution' || a.kind !== 'bilateral') {
      throw forbidden('operator_only', 'Only the operator ends a regional or international agreement; a party leaves it instead');
    }
    if (!a.parties.some((x) => x.institutionId === p.institutionId && withinDates(today, x.joinedOn, lastDay(x.leftOn)))) {
      throw forbidden('not_a_party', 'Only a current party ends a bilateral agreement');
    }
  }

  // One transaction: lock the agreement, apply the change, write the audit-trail line (none for a no-op).
  private async change(id: string, actor: Actor, apply: (trx: Executor, a: Agreement, at: Date) => Promise<{ action: string; detail: unknown } | undefined>): Promise<Agreement> {
    const at = this.now();
    const changed = await this.db.transaction().execute(async (trx) => {
      if (!(await repo.findAgreement(trx, id, true))) throw notFound('agreement', id);
      const w = await apply(trx, await this.get(id, trx), at);
      if (w) await recordWrite(trx, actor, { ...w, resourceType: 'recognition_agreement', resourceId: id }, at);
      return w !== undefined;
    });
    if (changed) this.changed();
    return this.get(id);
  }

  /** Whether the institution is a party on the date (the check for publishing a shared rule). */
  async isParty(agreementId: string, institutionId: string, date: string): Promise<boolean> {
    const a = await this.get(agreementId);
    return a.parties.some((p) => p.institutionId === institutionId && withinDates(date, p.joinedOn, lastDay(p.leftOn)));
  }

  /** Every agreement as the engine sees it (dates and membership windows). */
  async windows(db: Executor = this.db): Promise<AgreementWindow[]> {
    const rows = await repo.allAgreements(db);
    const parties = await repo.partiesOf(db, rows.map((r) => r.id));
    return rows.map((r) => toAgreement(r, parties)).map((a) => ({
      id: a.id, name: bilingual(a.name) ?? a.id, effectiveFrom: a.effectiveFrom, effectiveTo: a.effectiveTo,
      members: a.parties.map((p) => ({ institutionId: p.institutionId, joinedOn: p.joinedOn, leftOn: lastDay(p.leftOn) })),
    }));
  }
}
