import { Decimal } from 'decimal.js';
import { isDepositable, type CatalogueItem } from '../catalogue/catalogue.types.js';
import { AppError, invalidField } from '../errors.js';
import { creditAmountProblem } from '../frameworks/credit-arithmetic.js';
import { isPassing, isValidResult } from '../frameworks/grading.js';
import { canonicalCredits } from './achievement-rows.js';
import type { RecordReference } from './reference-data.js';
import type { AchievementContent, CorrectionInput, DepositInput, NonCatalogueLearning } from './records.types.js';

type ContentInput = Omit<DepositInput, 'externalId' | 'institutionId'> | CorrectionInput;

export interface RuleContext {
  depositorId: string;
  item: CatalogueItem | undefined;
  ref: RecordReference;
  today: string;
  /** JSON pointer prefix of the input, e.g. "/body" or "" for a batch line. */
  at: string;
}

function creditsOf(text: string | undefined, at: string): Decimal | undefined {
  if (text === undefined) return undefined;
  const d = new Decimal(text);
  const problem = creditAmountProblem(d);
  if (problem) throw invalidField(`${at}/credits`, problem.code, problem.message);
  return d;
}

function gradeResult(schemeId: string, result: string | undefined, c: RuleContext): boolean {
  const scheme = c.ref.gradingScheme(schemeId);
  if (!scheme) throw invalidField(`${c.at}/result`, 'unknown_grading_scheme', `grading scheme ${schemeId} is not known`);
  if (result === undefined) throw invalidField(`${c.at}/result`, 'result_required', `a result in the grading scheme ${schemeId} is required`);
  if (!isValidResult(scheme, result)) throw invalidField(`${c.at}/result`, 'invalid_result', `${JSON.stringify(result)} is not a result of the grading scheme ${schemeId}`);
  return isPassing(scheme, result);
}

function catalogueContent(input: ContentInput, item: CatalogueItem | undefined, c: RuleContext): Pick<AchievementContent, 'credits' | 'creditSystemId'> {
  const at = c.at;
  if (!item) throw invalidField(`${at}/catalogueItemId`, 'catalogue_item_not_found', `No catalogue item ${input.catalogueItemId}`);
  if (item.institutionId !== c.depositorId) {
    throw new AppError(403, 'other_institution_item', 'An institution deposits only against its own catalogue items', { errors: [{ pointer: `${at}/catalogueItemId`, message: 'owned by another institution' }] });
  }
  if (!isDepositable(item, input.completedOn)) {
    throw invalidField(`${at}/completedOn`, 'item_not_depositable', `${item.code} v${item.version} takes no deposit for ${input.completedOn} (retired or outside its effective dates)`);
  }
  const passing = gradeResult(item.gradingSchemeId, input.result, c);
  const max = item.credits === null ? new Decimal(0) : new Decimal(item.credits);
  const credits = creditsOf(input.credits, at) ?? (passing ? max : new Decimal(0));
  if (credits.gt(max)) throw invalidField(`${at}/credits`, 'credits_exceed_item', `credits ${credits.toFixed()} exceed the item's ${max.toFixed()}`);
  if (!passing && credits.gt(0)) throw invalidField(`${at}/credits`, 'credits_without_pass', 'a failing result earns no credits');
  return { credits: item.credits === null && credits.isZero() ? null : credits.toFixed(), creditSystemId: item.creditSystemId };
}

function learningContent(input: ContentInput, l: NonCatalogueLearning, c: RuleContext): Pick<AchievementContent, 'credits' | 'creditSystemId'> {
  const at = `${c.at}/learning`;
  if (!l.title.zh && !l.title.en) throw invalidField(`${at}/title`, 'title_required', 'learning.title needs zh or en');
  if (l.creditSystemId !== undefined && !c.ref.creditSystem(l.creditSystemId).known) {
    throw invalidField(`${at}/creditSystemId`, 'unknown_credit_system', `credit system ${l.creditSystemId} is not known`);
  }
  if (l.level !== undefined) {
    const { frameworkId, frameworkVersion, level } = l.level;
    const problem = c.ref.levelProblem(frameworkId, frameworkVersion, level);
    if (problem === 'unknown_framework') throw invalidField(`${at}/level/frameworkId`, 'unknown_framework', `framework ${frameworkId} is not loaded`);
    if (problem === 'unknown_framework_version') throw invalidField(`${at}/level/frameworkVersion`, 'unknown_framework_version', `framework ${frameworkId} has no loaded version ${frameworkVersion}`);
    if (problem === 'unknown_level') throw invalidField(`${at}/level/level`, 'unknown_level', `${frameworkId} ${frameworkVersion} has no level ${level}`);
  }
  if (l.iscedCode !== undefined && !c.ref.iscedCodeKnown(l.iscedCode)) {
    throw invalidField(`${at}/iscedCode`, 'unknown_isced_code', `${l.iscedCode} is not an ISCED-F 2013 field code`);
  }
  if (l.gradingSchemeId !== undefined) gradeResult(l.gradingSchemeId, input.result, c);
  else if (input.result !== undefined) throw invalidField(`${at}/gradingSchemeId`, 'grading_scheme_required', 'a result needs learning.gradingSchemeId');
  const credits = creditsOf(input.credits, c.at);
  if (credits !== undefined && l.creditSystemId === undefined) {
    throw invalidField(`${at}/creditSystemId`, 'credit_system_required', 'credits need learning.creditSystemId');
  }
  return { credits: credits === undefined ? null : credits.toFixed(), creditSystemId: l.creditSystemId ?? null };
}

/** Checks a deposit or correction against the record's rules and returns its canonical content. */
export function checkContent(input: ContentInput, c: RuleContext): AchievementContent {
  const hasItem = input.catalogueItemId !== undefined;
  if (hasItem === (input.learning !== undefined)) {
    throw invalidField(`${c.at}/catalogueItemId`, 'item_or_learning_required', 'Give exactly one of catalogueItemId (catalogue learning) or learning (non-catalogue)');
  }
  if (input.completedOn > c.today) throw invalidField(`${c.at}/completedOn`, 'completion_in_future', 'completedOn is after today');
  const credit = hasItem ? catalogueContent(input, c.item, c) : learningContent(input, input.learning!, c);
  return {
    catalogueItemId: input.catalogueItemId ?? null, learning: input.learning ?? null, result: input.result ?? null,
    credits: canonicalCredits(credit.credits), creditSystemId: credit.creditSystemId, completedOn: input.completedOn,
    term: input.term ?? null, assessmentMode: input.assessmentMode ?? null,
    evidence: input.evidence ? { url: input.evidence.url, sha256: input.evidence.sha256.toLowerCase() } : null,
  };
}
