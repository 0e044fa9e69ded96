import type { Actor } from '../auth/principal.js';
import { assertActsForInstitution, assertIsLearner } from '../auth/policy.js';
import type { Db } from '../db/database.js';
import { badRequest } from '../errors.js';
import type { FrameworkService } from '../frameworks/frameworks.service.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import type { LedgerBodies } from '../ledger/body-registry.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import type { RecordsModule } from '../records/records.module.js';
import { AgreementService } from './agreements/agreements.service.js';
import { SourceNames } from './evaluation/display-names.js';
import { Evaluator } from './evaluation/evaluator.js';
import { DecisionService } from './requests/decisions.service.js';
import type { CapsLookup } from './requests/grant-caps.js';
import { recognisedCreditSource } from './requests/credit-history.js';
import { CREDIT_RESOURCE, DECISION_RESOURCE, rebuildCredits, rebuildDecisions } from './requests/ledger-bodies.js';
import { ReevaluationService } from './requests/reevaluation.service.js';
import { RequestService } from './requests/requests.service.js';
import { findNotice, notices } from './requests/requests.repository.js';
import { revokeDerivedCredit } from './requests/revocation.js';
import type { CapsDef } from './rules/rule-definition.js';
import { RuleService } from './rules/rules.service.js';

export interface RecognitionDeps {
  db: Db; ledger: LedgerWriter; ledgerBodies: LedgerBodies; institutions: InstitutionService; frameworks: FrameworkService;
  records: RecordsModule; homeCreditSystem: string; now: () => Date;
}

/** Recognition: rules, agreements, evaluation (cached per target), requests, decisions, appeals. */
export class RecognitionModule {
  readonly agreements: AgreementService;
  readonly rules: RuleService;
  readonly evaluator: Evaluator;
  readonly requests: RequestService;
  readonly decisions: DecisionService;
  readonly reevaluation: ReevaluationService;

  constructor(private readonly d: RecognitionDeps) {
    this.agreements = new AgreementService(d.db, d.institutions, d.now);
    this.rules = new RuleService(d.db, this.agreements, d.frameworks, d.now);
    const names = new SourceNames();
    this.evaluator = new Evaluator(d.db, d.frameworks, this.agreements, d.homeCreditSystem, names);
    this.rules.onPublished((target) => this.evaluator.invalidate(target));
    this.agreements.onChanged(() => this.evaluator.invalidate());
    this.requests = new RequestService(d.db, this.evaluator, d.ledger, d.institutions, d.homeCreditSystem, d.now, names);
    const caps: CapsLookup = async (db, target, programmeId, date) => (await this.evaluator.capsPolicy(db, target, programmeId, date))?.definition as CapsDef | undefined;
    this.decisions = new DecisionService(d.db, this.requests, d.ledger, d.homeCreditSystem, d.now, caps, names);
    this.reevaluation = new ReevaluationService(d.db, this.rules, this.evaluator, d.ledger, d.homeCreditSystem, d.now, caps, names);
    d.records.onRevoked(revokeDerivedCredit(d.ledger, names));
    d.records.connectRecognisedCredits(recognisedCreditSource((db, target, programmeId, date) => this.evaluator.grantCreditSystem(db, target, programmeId, date)));
    d.ledgerBodies.register(DECISION_RESOURCE, rebuildDecisions);
    d.ledgerBodies.register(CREDIT_RESOURCE, rebuildCredits);
  }

  /**
   * Notices for a learner (own) or an institution (own), newest first; `after` is the last notice of
   * the previous page (its `next`).
   */
  async notices(who: { learnerId?: string; institutionId?: string }, limit: number, after: string | undefined, actor: Actor) {
    if (who.learnerId) assertIsLearner(actor.principal, who.learnerId);
    if (who.institutionId) assertActsForInstitution(actor.principal, who.institutionId);
    const anchor = after === undefined ? undefined : await findNotice(this.d.db, who, after);
    if (after !== undefined && !anchor) {
      throw badRequest('invalid_cursor', `No notice ${after} here to continue after; pass the \`next\` of the previous page`, [{ pointer: '/query/after', message: 'unknown notice' }]);
    }
    const rows = await notices(this.d.db, { ...who, limit, ...(anchor ? { after: anchor } : {}) });
    const shown = rows.slice(0, limit);
    return {
      items: shown.map((n) => ({
        id: n.id, learnerId: n.learner_id, institutionId: n.institution_id, kind: n.kind, subjectId: n.subject_id, message: n.message,
        detail: (typeof n.detail === 'string' ? JSON.parse(n.detail) : n.detail) as object, createdAt: n.created_at.toISOString(),
      })),
      next: rows.length > limit ? shown[shown.length - 1]!.id : null,
    };
  }
}
