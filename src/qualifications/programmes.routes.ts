import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import type { ProgrammeVersion } from './programmes.service.js';
import {
  AwardingQuery, EnrolInput, Enrolment, EnrolmentList, ProgrammeDetail, ProgrammeList, ProgrammeParams, ProgrammeVersionView, PublishInput,
} from './qualifications.schemas.js';

const versionView = (v: ProgrammeVersion) => ({
  programmeId: v.programmeId, version: v.version, seq: v.seq, awardingInstitution: v.awardingInstitution, name: v.name,
  digest: v.digest, origin: v.origin, createdAt: v.createdAt, programme: v.programme, mapping: v.mapping,
});

/** Programmes (public requirement sets) and enrolments. */
export const programmeRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const q = ctx.qualifications;

  app.get('/programmes', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['qualifications'], summary: 'Programmes (latest version of each); requirements are public', querystring: AwardingQuery, response: { 200: ProgrammeList, ...problemResponses } },
  }, async (req) => ({
    items: (await q.programmes.list(req.query.awardingInstitution)).map((v) => ({
      programmeId: v.programmeId, version: v.version, awardingInstitution: v.awardingInstitution, name: v.name, totalCredits: v.programme.totalCredits,
    })),
  }));

  app.get('/programmes/:programmeId', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['qualifications'], summary: 'A programme with every version (requirements, caps, sources, record mapping)', params: ProgrammeParams, response: { 200: ProgrammeDetail, ...problemResponses } },
  }, async (req) => {
    const versions = await q.programmes.versions(req.params.programmeId);
    return { programmeId: req.params.programmeId, latest: versionView(versions[versions.length - 1]!), versions: versions.map(versionView) };
  });

  app.post('/institutions/:id/programmes', {
    config: { access: { allow: ['operator', 'institution'], scope: 'qualifications:write', institutionParam: 'id' }, idempotent: true },
    schema: {
      tags: ['qualifications'], summary: 'Publish a programme version (awarding institution); the same version with the same content returns it',
      params: IdParams, body: PublishInput, response: { 200: ProgrammeVersionView, 201: ProgrammeVersionView, ...problemResponses },
    },
  }, async (req, reply) => {
    const { version, created } = await q.programmes.publish(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(versionView(version));
  });

  app.post('/learners/:id/enrolments', {
    config: { access: { allow: ['operator', 'institution', 'learner'], scope: 'qualifications:write', learnerParam: 'id' }, idempotent: true },
    schema: {
      tags: ['qualifications'], summary: 'Enrol in a programme version (the learner, or the awarding institution); a later version moves the enrolment',
      params: IdParams, body: EnrolInput, response: { 200: Enrolment, 201: Enrolment, ...problemResponses },
    },
  }, async (req, reply) => {
    const { enrolment, created } = await q.enrolments.enrol(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(enrolment);
  });

  app.get('/learners/:id/enrolments', {
    config: { access: { allow: ['operator', 'institution', 'learner'], learnerParam: 'id' } },
    schema: { tags: ['qualifications'], summary: 'A learner\'s enrolments (an institution sees those in its own programmes)', params: IdParams, response: { 200: EnrolmentList, ...problemResponses } },
  }, async (req) => ({ items: await q.enrolments.list(req.params.id, actor(req)) }));
};
