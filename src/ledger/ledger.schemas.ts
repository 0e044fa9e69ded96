import { Type } from 'typebox';
import { Nullable, PageQuery, Strict } from '../http/schemas.js';

const Base64Hash = Type.String({ description: 'Standard base64 of a 32-byte SHA-256 value' });
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const EntryId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const SignedTreeHead = Type.Object({
  treeSize: Type.Integer(), rootHash: Base64Hash, timestamp: Type.Integer({ description: 'Milliseconds since the Unix epoch' }),
  kid: Type.String(), signature: Type.String({ description: 'Compact JWS (EdDSA, typ ledger-tree-head+jws) over the JCS of {treeSize, rootHash, timestamp}' }),
}, { $id: 'SignedTreeHead' });

export const TreeHeadPage = Type.Object({ items: Type.Array(Type.Ref('SignedTreeHead')), nextCursor: Nullable(Type.String()) });
export const TreeHeadsQuery = Strict({ ...PageQuery });

export const LedgerEntry = Type.Object({
  index: Type.Integer(), recordedAt: Type.String(), eventType: Type.String(), actor: Type.String(),
  subjectRef: Type.String(), bodyDigest: Type.String(), entryId: Type.Integer(), leafHash: Base64Hash,
}, { $id: 'LedgerEntry' });

export const EntriesQuery = Strict({ start: Size, end: Size });
export const EntriesPage = Type.Object({
  treeSize: Type.Integer({ description: 'Entries integrated so far' }), entries: Type.Array(Type.Ref('LedgerEntry')),
});

export const InclusionQuery = Strict({
  index: Type.Optional(Size), entryId: Type.Optional(EntryId),
  resourceType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  resourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  treeSize: Type.Optional(Size),
});

const ProofHashes = Type.Array(Base64Hash);
export const InclusionAnswer = Type.Object({
  entry: Type.Ref('LedgerEntry'),
  proof: Type.Object({ leafIndex: Type.Integer(), treeSize: Type.Integer(), hashes: ProofHashes }),
  treeHead: Nullable(Type.Ref('SignedTreeHead')),
});

export const ConsistencyQuery = Strict({ first: Size, second: Size });
export const ConsistencyProof = Type.Object({ first: Type.Integer(), second: Type.Integer(), hashes: ProofHashes });

export const Jwks = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String(),
    status: Type.String({ description: 'active, retired (rotated; still verifies old heads) or revoked' }),
  })),
});

export const RotatedKey = Type.Object({
  keyId: Type.String(), status: Type.String(), createdAt: Type.String(),
  retired: Type.Array(Type.String(), { description: 'Key ids that were active and are now retired (still in GET /ledger/keys)' }),
});

const Problem = Type.Object({
  kind: Type.String(), entryId: Type.Integer(), leafIndex: Nullable(Type.Integer()), resourceType: Type.String(),
  resourceId: Type.String(), eventType: Type.String(), expected: Type.Optional(Type.String()), found: Type.Optional(Type.String()),
});
export const DatabaseCheck = Type.Object({
  ok: Type.Boolean(), entriesChecked: Type.Integer(), bodiesChecked: Type.Integer(),
  uncheckedByType: Type.Record(Type.String(), Type.Integer()), problemCount: Type.Integer(),
  problems: Type.Array(Problem), seconds: Type.Number(),
});
