import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { actor } from '../http/actor.js';
import { problemResponses, Strict } from '../http/schemas.js';
import { convertCredits } from './credit-arithmetic.js';
import { BUNDLED_FRAMEWORKS_DIR } from './frameworks.service.js';
import {
  ConvertInput, ConvertResult, CreditSystem, EquivalentsResponse, FieldsOfStudy, FrameworkDetail, FrameworkDocumentInput,
  FrameworkSummary, GradingScheme, LoadResult,
} from './frameworks.schemas.js';

const Id = Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' });
const VersionQuery = Strict({ version: Type.Optional(Type.String({ maxLength: 64 })) });

export const frameworkRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const fw = ctx.frameworks;
  const pub = { access: { allow: ['public' as const] } };

  app.get('/frameworks', { config: pub, schema: { tags: ['frameworks'], summary: 'Qualifications frameworks (latest version of each)', response: { 200: Type.Object({ items: Type.Array(FrameworkSummary) }) } } }, async () => {
    const s = await fw.snapshot();
    const ids = [...new Set(s.frameworks.map((f) => f.id))];
    const items = await Promise.all(ids.map(async (id) => {
      const f = (await fw.framework(id))!;
      return { id, version: f.version, name: f.name, levels: f.levels.length, creditSystem: f.creditSystem, versions: await fw.versionsOf(id) };
    }));
    return { items };
  });

  app.get('/frameworks/:id', {
    config: pub,
    schema: { tags: ['frameworks'], summary: 'A framework: levels with descriptors, credit system, versions (?version= for an older one)', params: Strict({ id: Id }), querystring: VersionQuery, response: { 200: FrameworkDetail, ...problemResponses } },
  }, async (req) => {
    const f = await fw.framework(req.params.id, req.query.version);
    if (!f) throw notFound('framework', req.query.version ? `${req.params.id} version ${req.query.version}` : req.params.id);
    const creditSystem = f.creditSystem === null ? null : (await fw.creditSystem(f.creditSystem)) ?? null;
    // `kind` only tells the loader what sort of document a file is.
    const { kind: _kind, ...framework } = f;
    return { ...framework, creditSystem, versions: await fw.versionsOf(f.id) };
  });

  app.get('/frameworks/:id/levels/:level/equivalents', {
    config: pub,
    schema: {
      tags: ['frameworks'], summary: 'Levels of other frameworks that published mappings declare equivalent; found:false when none is published',
      params: Strict({ id: Id, level: Type.Integer({ minimum: 1, maximum: 100 }) }), querystring: VersionQuery, response: { 200: EquivalentsResponse, ...problemResponses },
    },
  }, async (req) => {
    const f = await fw.framework(req.params.id, req.query.version);
    const result = f ? await fw.equivalents(f.id, f.version, req.params.level) : undefined;
    if (!result) throw notFound('framework_level', `${req.params.id} ${req.query.version ?? ''} level ${req.params.level}`.replace('  ', ' '));
    return result;
  });

  app.get('/credit-systems', { config: pub, schema: { tags: ['frameworks'], summary: 'Credit systems and their notional hours per credit', response: { 200: Type.Object({ items: Type.Array(CreditSystem) }) } } },
    async () => ({ items: (await fw.snapshot()).creditSystems }));

  app.get('/grading-schemes', { config: pub, schema: { tags: ['frameworks'], summary: 'Grading schemes, ordered, with pass thresholds', response: { 200: Type.Object({ items: Type.Array(GradingScheme) }) } } },
    async () => ({ items: (await fw.snapshot()).gradingSchemes }));

  app.get('/fields-of-study', { config: pub, schema: { tags: ['frameworks'], summary: 'ISCED-F 2013 fields of education and training', querystring: VersionQuery, response: { 200: FieldsOfStudy, ...problemResponses } } }, async (req) => {
    const all = (await fw.snapshot()).isced;
    const isced = req.query.version ? all.find((i) => i.version === req.query.version) : all.at(-1);
    if (!isced) throw notFound('fields_of_study_version', req.query.version);
    const { kind: _kind, ...fields } = isced;
    return fields;
  });

  app.post('/credits/convert', {
    config: pub,
    schema: { tags: ['frameworks'], summary: 'Convert credits between systems by notional hours (rounded down; the hours basis is in the answer)', body: ConvertInput, response: { 200: ConvertResult, ...problemResponses } },
  }, async (req) => {
    const from = await fw.convertible(req.body.from);
    const to = await fw.convertible(req.body.to);
    if (!from) throw new AppError(422, 'not_convertible', `Credit system "${req.body.from}" is unknown or defines no hours per credit`, { errors: [{ pointer: '/body/from', message: 'unknown or without hours per credit' }] });
    if (!to) throw new AppError(422, 'not_convertible', `Credit system "${req.body.to}" is unknown or defines no hours per credit`, { errors: [{ pointer: '/body/to', message: 'unknown or without hours per credit' }] });
    let c;
    try {
      c = convertCredits(req.body.amount, from, to, { step: req.body.step, hours: req.body.hours });
    } catch (err) {
      throw new AppError(422, 'invalid_conversion', (err as Error).message, { cause: err, errors: [{ pointer: '/body', message: (err as Error).message }] });
    }
    return { ...c, credits: c.credits.toString(), unrounded: c.unrounded.toString(), hours: c.hours.toString(), step: c.step.toString() };
  });

  app.post('/frameworks', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: { tags: ['frameworks'], summary: 'Load one framework data document (operator); a loaded version never changes', body: FrameworkDocumentInput, response: { 200: LoadResult, 201: LoadResult, ...problemResponses } },
  }, async (req, reply) => {
    const result = await fw.loadDocument(req.body, actor(req));
    return reply.code(result.added.length > 0 ? 201 : 200).send(result);
  });

  app.post('/frameworks/load', {
    config: { access: { allow: ['operator'] } },
    schema: { tags: ['frameworks'], summary: 'Load the bundled frameworks/ directory again (operator), e.g. after deploying new data files', response: { 200: LoadResult, ...problemResponses } },
  }, async (req) => fw.loadDirectory(BUNDLED_FRAMEWORKS_DIR, actor(req)));
};
