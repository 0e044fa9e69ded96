import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let base: string;
let release!: () => void;
const gate = new Promise<void>((resolve) => { release = resolve; });

beforeAll(async () => {
  t = await createTestApp({
    extend: (app) => app.get('/test-slow', { config: { access: { allow: ['public'] } } }, async () => { await gate; return { done: true }; }),
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.database.drop());

describe('over a real socket', () => {
  it('returns the request id it was given, and makes one up otherwise', async () => {
    const given = await fetch(`${base}/health`, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await fetch(`${base}/health`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await (await fetch(`${base}/openapi.json`)).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/learners/{id}');
    const page = await fetch(`${base}/docs`, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });

  it('finishes an in-flight request during a graceful shutdown', async () => {
    const inFlight = fetch(`${base}/test-slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.app.close();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
