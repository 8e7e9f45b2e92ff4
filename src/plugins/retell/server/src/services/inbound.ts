import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { runAsCompany } from '../../../../../tenancy';
import { appService } from '../../../../../api/services';
import { inboundVariables, type InboundFacts } from '../../../../../domain/inbound';
import { spokenName } from '../../../../../domain/match';
import { countryOf, toE164 } from '../../../../../domain/phone';
import { InboundSchema } from '../schemas';
import type { Agent } from './agents';
import { getService } from '../utils';

/**
 * The inbound-number webhook's answer (protocol §6): what the agent knows when the phone rings.
 * Reads only — nothing of the caller is written before the call is answered; `call_started`
 * does that. The caller hears ringing meanwhile: a handful of indexed reads, the services and
 * the staff from their 30 s caches.
 */
const LIVE = ['confirmed', 'requested'];

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The company the call is for: by the agent Retell names, else by the number dialled. */
  async companyOf(body: unknown): Promise<Agent | null> {
    const parsed = InboundSchema.safeParse(body);
    if (!parsed.success) return null;
    const { agent_id: agentId, to_number: toNumber } = parsed.data.call_inbound;
    const agents = getService(strapi, 'agents');
    const byAgent = agentId ? await agents.lookup(agentId) : null;
    if (byAgent) return byAgent;
    const dialled = toE164(toNumber, 'DE');
    return dialled ? agents.lookupNumber(dialled) : null;
  },

  async answer(body: unknown, agent: Agent | null, now: number) {
    const parsed = InboundSchema.safeParse(body);
    if (!parsed.success)
      throw new errors.ValidationError('Invalid Retell inbound call', {
        errors: parsed.error.issues.slice(0, 10).map((issue) => ({
          path: issue.path.map(String),
          message: issue.message,
        })),
      });
    const fields = parsed.data.call_inbound;
    if (!agent) {
      strapi.log.warn(
        `retell inbound: no company for agent ${fields.agent_id ?? '(none)'} or the number dialled; Retell uses the number's default agent`
      );
      return { call_inbound: {} };
    }
    const company = agent.company;
    const facts = await runAsCompany(company.id, async (): Promise<InboundFacts> => {
      const caller = toE164(fields.from_number, countryOf(company.phoneNumber));
      const [services, roster, customer] = await Promise.all([
        getService(strapi, 'functions').activeServices(company.id),
        appService(strapi, 'api::appointment.availability').roster(company.id),
        caller ? appService(strapi, 'api::customer.customer').findByPhone(caller) : null,
      ]);
      const dayStart = new Date(now - 24 * 3_600_000);
      const dayEnd = new Date(now + 24 * 3_600_000);
      const [closures, next] = await Promise.all([
        strapi.db.query('api::absence.absence').findMany({
          where: {
            staff: { id: { $null: true } },
            startsAt: { $lt: dayEnd.toISOString() },
            endsAt: { $gt: dayStart.toISOString() },
          },
          select: ['startsAt', 'endsAt', 'reason'],
          limit: 20,
        }),
        customer
          ? strapi.db.query('api::appointment.appointment').findOne({
              where: {
                customer: { id: customer.id },
                state: { $in: LIVE },
                startsAt: { $gt: new Date(now).toISOString() },
              },
              orderBy: { startsAt: 'asc' },
              populate: { service: { select: ['name'] }, staff: { select: ['id', 'name'] } },
            })
          : null,
      ]);
      const staffMember = next?.staff
        ? (roster.find((member) => member.id === next.staff.id) ?? next.staff)
        : null;
      return {
        company: { ...company },
        now,
        services: services.map((service) => service.name),
        staff: roster.map((member) => spokenName(member, roster)),
        closures: closures.map(
          (row: { startsAt: string; endsAt: string; reason?: string | null }) => ({
            start: new Date(row.startsAt).getTime(),
            end: new Date(row.endsAt).getTime(),
            reason: row.reason ?? null,
          })
        ),
        customer: customer
          ? {
              name: customer.name ?? null,
              next: next
                ? {
                    start: new Date(next.startsAt).getTime(),
                    service: next.service?.name ?? null,
                    staff: staffMember ? spokenName(staffMember, roster) : null,
                  }
                : null,
            }
          : null,
      };
    });
    return { call_inbound: inboundVariables(facts) };
  },
});
