import { describe, expect, it } from 'vitest';
import { checkVcdm, isDateTimeStamp, validityAt } from '../../../src/credentials/core/vcdm-checks.js';
import { NOW, readVector, sampleCredential } from './fixtures.js';

type Obj = Record<string, any>;
const paths = (c: unknown, opts?: { acceptV1?: boolean }) => checkVcdm(c, opts).map((p) => p.path);
const withChange = (change: (c: Obj) => void) => { const c = sampleCredential() as Obj; change(c); return c; };

describe('checkVcdm', () => {
  it('passes our sample credential and both 1EdTech examples', () => {
    expect(checkVcdm(sampleCredential())).toEqual([]);
    expect(checkVcdm(readVector('ob-v3p0-signed-example.json'))).toEqual([]);
    expect(checkVcdm(readVector('clr-v2p0-signed-example.json'))).toEqual([]);
  });

  it('requires the v2 context first but accepts objects later in @context', () => {
    expect(paths(withChange((c) => { c['@context'] = [c['@context'][1], c['@context'][0]]; }))).toContain('@context[0]');
    expect(checkVcdm(withChange((c) => { c['@context'].push({ extra: 'https://example.org/extra#' }); }))).toEqual([]);
    expect(paths(withChange((c) => { c['@context'].push(42); }))).toContain('@context[2]');
  });

  it('accepts a VCDM 1.1 context only when asked, and then wants issuanceDate', () => {
    const v1 = withChange((c) => { c['@context'][0] = 'https://www.w3.org/2018/credentials/v1'; delete c.validFrom; });
    expect(paths(v1)).toContain('@context[0]');
    expect(paths(v1, { acceptV1: true })).toEqual(['issuanceDate']);
    expect(checkVcdm({ ...v1, issuanceDate: '2020-01-01T00:00:00Z' }, { acceptV1: true })).toEqual([]);
  });

  it('requires the VerifiableCredential type, an issuer URL and a subject', () => {
    const bad = withChange((c) => { c.type = ['OpenBadgeCredential']; c.issuer = { name: 'x' }; delete c.credentialSubject; });
    expect(paths(bad)).toEqual(expect.arrayContaining(['type', 'issuer', 'credentialSubject']));
  });

  it.each(['credentialSchema', 'refreshService'])('requires id and type on every %s entry', (prop) => {
    const bad = withChange((c) => { c[prop] = [{ type: 'JsonSchema' }, { id: 'https://example.org/s' }]; });
    expect(paths(bad)).toEqual([`${prop}[0].id`, `${prop}[1].type`]);
  });

  it.each(['credentialStatus', 'evidence', 'termsOfUse'])('requires type (but not id) on every %s entry', (prop) => {
    expect(paths(withChange((c) => { c[prop] = { id: 'https://example.org/x' }; }))).toEqual([`${prop}[0].type`]);
    expect(checkVcdm(withChange((c) => { c[prop] = { type: 'Something' }; }))).toEqual([]);
  });

  it('requires id and a digest on relatedResource entries, with unique ids', () => {
    const bad = withChange((c) => {
      c.relatedResource = [
        { id: 'https://example.org/a.png', digestSRI: 'sha384-abc' },
        { digestMultibase: 'uEiB' },
        { id: 'https://example.org/b.json' },
        { id: 'https://example.org/a.png', digestSRI: 'sha384-abc' },
      ];
    });
    expect(paths(bad)).toEqual(['relatedResource[1].id', 'relatedResource[2]', 'relatedResource[3].id']);
  });

  it('rejects validFrom after validUntil and dates without a time zone', () => {
    expect(paths(withChange((c) => { c.validUntil = '2024-01-01T00:00:00Z'; }))).toEqual(['validUntil']);
    expect(paths(withChange((c) => { c.validFrom = '2025-01-15T00:00:00'; }))).toEqual(['validFrom']);
  });

  it('rejects a non-URL credential or subject id', () => {
    expect(paths(withChange((c) => { c.id = 'not a url'; c.credentialSubject.id = '12345'; })))
      .toEqual(['id', 'credentialSubject[0].id']);
  });
});

describe('dates', () => {
  it('recognises dateTimeStamp values', () => {
    expect(isDateTimeStamp('2025-01-01T00:00:00Z')).toBe(true);
    expect(isDateTimeStamp('2025-01-01T08:00:00.123+08:00')).toBe(true);
    expect(isDateTimeStamp('2025-01-01')).toBe(false);
    expect(isDateTimeStamp('2025-13-01T00:00:00Z')).toBe(false);
  });

  it('tells valid, not-yet-valid and expired apart', () => {
    const c = { validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' };
    expect(validityAt(c, NOW)).toBe('valid');
    expect(validityAt(c, new Date('2024-12-31T23:59:59Z'))).toBe('not-yet-valid');
    expect(validityAt(c, new Date('2026-01-01T00:00:01Z'))).toBe('expired');
  });
});
