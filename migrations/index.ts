import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-ledger.js';
import * as m0003 from './0003-frameworks-catalogue.js';
import * as m0004 from './0004-records.js';
import * as m0005 from './0005-recognition.js';
import * as m0006 from './0006-qualifications.js';
import * as m0007 from './0007-credentials.js';
import * as m0008 from './0008-catalogue-search.js';
import * as m0009 from './0009-awards-append-only.js';
import * as m0010 from './0010-requirement-waivers.js';
import * as m0011 from './0011-recognition-read-back.js';
import * as m0012 from './0012-trusted-issuers.js';
import * as m0013 from './0013-import-recognition.js';
import * as m0014 from './0014-learner-change-notify.js';
import * as m0015 from './0015-trusted-issuer-change-notify.js';
import * as m0016 from './0016-issuer-change-notify.js';
import * as m0017 from './0017-deposit-reference-checks.js';
import * as m0018 from './0018-achievements-natural-key-once.js';
import * as m0019 from './0019-idempotency-retention.js';
import * as m0020 from './0020-idempotency-response-headers.js';
import * as m0021 from './0021-recognition-requests-by-target.js';
import * as m0022 from './0022-credential-import-parts.js';

/** Every migration, in order. Add new ones at the end; a merged migration is never edited. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-ledger': m0002,
  '0003-frameworks-catalogue': m0003,
  '0004-records': m0004,
  '0005-recognition': m0005,
  '0006-qualifications': m0006,
  '0007-credentials': m0007,
  '0008-catalogue-search': m0008,
  '0009-awards-append-only': m0009,
  '0010-requirement-waivers': m0010,
  '0011-recognition-read-back': m0011,
  '0012-trusted-issuers': m0012,
  '0013-import-recognition': m0013,
  '0014-learner-change-notify': m0014,
  '0015-trusted-issuer-change-notify': m0015,
  '0016-issuer-change-notify': m0016,
  '0017-deposit-reference-checks': m0017,
  '0018-achievements-natural-key-once': m0018,
  '0019-idempotency-retention': m0019,
  '0020-idempotency-response-headers': m0020,
  '0021-recognition-requests-by-target': m0021,
  '0022-credential-import-parts': m0022,
};
