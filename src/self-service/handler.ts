import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { DateTime } from 'luxon';
import { readManageToken } from '../domain/manage-token';
import type { Language } from '../domain/speech';
import { MANAGE_PATH, manageSecrets, manageToken } from '../support/manage-link';
import { runAsCompany, runAsSystem } from '../tenancy/scope';
import { appService } from '../api/services';
import { toCompanyInfo } from '../api/company/company-info';
import { loadForMessage, staffFirstName } from '../api/notification/services/customer-email';
import { WHOLE_COMPANY } from '../api/appointment/services/availability';
import {
  appointmentPage,
  cancelPage,
  missingPage,
  movePage,
  optOutPage,
  problemPage,
  type Links,
  type Notice,
  type PageAppointment,
  type PageCompany,
  type SlotChoice,
} from './page';

/**
 * The customer's own page for an appointment, `/termin/<token>` (the link in every message):
 * - GET  /termin/<token>                — the appointment; "move" and "cancel" until the company's
 *                                         `cancellationDeadlineHours` before it, then its number;
 * - GET  /termin/<token>/move?day=…     — the free times of a day, the same staff member's first;
 *   POST /termin/<token>/move           — start (epoch ms) and staff (id): moved by the booking rules;
 * - GET  /termin/<token>/cancel         — "really?";  POST — cancelled;
 * - GET  /termin/<token>/reminders-off  — "really?";  POST — no more reminders (also RFC 8058's
 *                                         one-click POST from the mail client).
 * A change here is a change like any other: the same messages (../api/appointment/changes.ts),
 * and the team hears of it. After a change the page moves on to the new link (the old one is
 * used up). A wrong, expired or used-up link is a friendly 404; a browser gets pages, any other
 * client Strapi's error envelope. Rate-limited per client (ops/rate-limit.ts, `manage`).
 */
type Ctx = {
  method: string;
  path: string;
  query: Record<string, unknown>;
  request: { body?: unknown };
  status: number;
  body: unknown;
  type: string;
  set(name: string, value: string): void;
  redirect(url: string): void;
  accepts(...types: string[]): string | false;
  acceptsLanguages(...languages: string[]): string | false;
  throw(status: number, message: string): never;
  state: Record<string, unknown>;
};

const UID = 'api::appointment.appointment';
const ACTIONS = new Set(['', 'move', 'cancel', 'reminders-off']);
const MAX_PATH = 160;
/** How far ahead the page offers days to move to. */
const MAX_DAYS_AHEAD = 60;

type Loaded = {
  id: number;
  documentId: string;
  state: string;
  sequence: number | null;
  startsAt: string | Date;
  endsAt: string | Date;
  customer: { id: number; documentId: string; name: string | null } | null;
  service: {
    id: number;
    name: string;
    durationMinutes: number;
    bufferMinutes?: number | null;
  } | null;
  staff: { id: number; name: string } | null;
  company: Parameters<typeof toCompanyInfo>[0] | null;
};

const wantsHtml = (ctx: Ctx) => ctx.accepts('json', 'html') === 'html';
const single = (value: unknown) => (typeof value === 'string' ? value : undefined);
const integer = (value: unknown, maxLength: number) => {
  const text = single(value);
  if (!text || text.length > maxLength || ![...text].every((c) => c >= '0' && c <= '9'))
    return null;
  return Number(text);
};

export const createSelfService = (strapi: Core.Strapi) => {
  const booking = () => appService(strapi, 'api::appointment.booking');
  const availability = () => appService(strapi, 'api::appointment.availability');

  const html = (ctx: Ctx, status: number, page: string) => {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  };

  /** A refusal: a page for a browser, the error envelope for anything else. */
  const refuse = (ctx: Ctx, status: 400 | 404 | 409, message: string, page: () => string) => {
    if (wantsHtml(ctx)) return html(ctx, status, page());
    if (status === 404) throw new errors.NotFoundError(message);
    // Koa's HTTP error: Strapi's error middleware puts its status and message in the envelope.
    if (status === 409) ctx.throw(409, message);
    throw new errors.ValidationError(message);
  };

  return async (ctx: Ctx, next: () => Promise<void>) => {
    if (!ctx.path.startsWith(MANAGE_PATH)) return next();
    // The log and the metrics name the route, never the token (it is a key).
    ctx.state.route = '/termin/:token';
    const guessed: Language = ctx.acceptsLanguages('de', 'en') === 'en' ? 'en' : 'de';
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    if (method !== 'GET' && method !== 'POST') {
      ctx.set('Allow', 'GET, HEAD, POST');
      ctx.status = 405;
      return;
    }
    // The link is a key: it stays out of caches, search engines and other sites' logs.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Robots-Tag', 'noindex, nofollow');

    const parts = ctx.path.length > MAX_PATH ? [] : ctx.path.slice(MANAGE_PATH.length).split('/');
    const [token, action = ''] = parts;
    if (ACTIONS.has(action) && action) ctx.state.route = `/termin/:token/${action}`;
    const reading = readManageToken(token, manageSecrets(), Date.now());
    if (parts.length < 1 || parts.length > 2 || !ACTIONS.has(action) || !reading.ok)
      return refuse(ctx, 404, 'No such appointment link', () => missingPage(guessed, null));

    const row = await runAsSystem('self-service: the appointment behind a customer link', () =>
      loadForMessage<Loaded>(strapi, reading.claim.appointmentId)
    );
    if (!row?.company || !row.customer)
      return refuse(ctx, 404, 'No such appointment link', () => missingPage(guessed, null));
    const company = toCompanyInfo(row.company);
    const asked = single(ctx.query.lang);
    const language: Language = asked === 'en' || asked === 'de' ? asked : company.language;
    const pageCompany: PageCompany = {
      name: company.name,
      phoneNumber: company.phoneNumber,
      address: company.address,
      cancellationDeadlineHours: company.cancellationDeadlineHours,
    };
    const base = `${MANAGE_PATH}${token}`;
    const lang = asked === language ? `lang=${language}` : '';
    const withLang = (path: string, query = '') => {
      const all = [query, lang].filter(Boolean).join('&');
      return all ? `${path}?${all}` : path;
    };
    const customer = row.customer;
    // The link was the customer's: given to someone else since, it is theirs no more.
    if (customer.id !== reading.claim.customerId)
      return refuse(ctx, 404, 'This link is used up: the appointment has changed since', () =>
        missingPage(language, pageCompany)
      );

    if (action === 'reminders-off') {
      // Any genuine link of the customer will do, even one of an appointment moved since.
      if (method === 'POST')
        await runAsCompany(company.id, () =>
          strapi.documents('api::customer.customer').update({
            documentId: customer.documentId,
            data: { reminderChannel: 'none' },
          })
        );
      return html(
        ctx,
        200,
        optOutPage({
          language,
          company: pageCompany,
          done: method === 'POST',
          action: withLang(`${base}/reminders-off`),
        })
      );
    }

    if ((row.sequence ?? 0) !== reading.claim.sequence)
      return refuse(ctx, 404, 'This link is used up: the appointment has changed since', () =>
        missingPage(language, pageCompany)
      );

    const now = Date.now();
    // The company's today: the first day the page offers, and the last is 60 days on.
    const today = DateTime.fromMillis(now, { zone: company.timezone }).startOf('day');
    const start = DateTime.fromJSDate(new Date(row.startsAt), { zone: company.timezone });
    const live = row.state === 'confirmed' || row.state === 'requested';
    const appointment: PageAppointment = {
      start,
      service: row.service?.name ?? (language === 'de' ? 'Termin' : 'Appointment'),
      staff: staffFirstName(row.staff),
      state:
        row.state === 'cancelled' ? 'cancelled' : live && start.toMillis() > now ? 'live' : 'begun',
    };
    const changeable =
      appointment.state === 'live' &&
      start.toMillis() - company.cancellationDeadlineHours * 3_600_000 > now;
    const other: Language = language === 'de' ? 'en' : 'de';
    const links: Links = {
      self: withLang(base),
      move: withLang(`${base}/move`),
      cancel: withLang(`${base}/cancel`),
      language: `${ctx.path}?lang=${other}`,
    };
    const show = (status: number, notice: Notice) =>
      html(
        ctx,
        status,
        appointmentPage({ language, company: pageCompany, appointment, changeable, notice, links })
      );
    /** On to the page of the appointment as it is now (the next link: this one is used up). */
    const moveOn = async (done: 'moved' | 'cancelled') => {
      const after = (await runAsSystem('self-service: the new link', () =>
        strapi.db
          .query(UID)
          .findOne({ where: { id: row.id }, select: ['id', 'sequence', 'endsAt'] })
      )) as { id: number; sequence: number | null; endsAt: string } | null;
      const next = manageToken({
        id: row.id,
        sequence: after?.sequence ?? 0,
        customerId: customer.id,
        endsAt: after?.endsAt ?? row.endsAt,
      });
      ctx.status = 303;
      ctx.redirect(withLang(`${MANAGE_PATH}${next}`, `done=${done}`));
    };

    if (action === '') {
      const done = single(ctx.query.done);
      if (method === 'POST')
        return refuse(ctx, 400, 'Nothing to do here', () => problemPage(language, 'bad'));
      return show(200, done === 'moved' || done === 'cancelled' ? done : null);
    }
    if (!changeable) {
      if (method === 'GET') return show(200, appointment.state === 'live' ? 'too-late' : null);
      return refuse(ctx, 409, 'Too late to change this appointment online', () =>
        appointmentPage({
          language,
          company: pageCompany,
          appointment,
          changeable,
          notice: 'too-late',
          links,
        })
      );
    }
    const who = { id: customer.id, documentId: customer.documentId, name: customer.name };
    // The change only while this link is the current one (checked under the booking lock): two
    // clicks at once make one change; the other finds its link used up.
    const target = { documentId: row.documentId, sequence: reading.claim.sequence };

    if (action === 'cancel') {
      if (method === 'GET')
        return html(ctx, 200, cancelPage({ language, company: pageCompany, appointment, links }));
      const result = await runAsCompany(company.id, () =>
        booking().cancel({ company, customer: who, target, now })
      );
      if (!result.ok)
        return refuse(ctx, 404, 'No such appointment link', () =>
          missingPage(language, pageCompany)
        );
      return moveOn('cancelled');
    }

    // action === 'move'
    const serviceRules = {
      id: Number(row.service?.id ?? 0),
      durationMinutes:
        Number(row.service?.durationMinutes) ||
        Math.round((new Date(row.endsAt).getTime() - start.toMillis()) / 60_000),
      bufferMinutes: Number(row.service?.bufferMinutes ?? 0),
    };
    const movePageFor = async (day: DateTime, notice: Notice) => {
      const { roster, slots } = await runAsCompany(company.id, () =>
        availability().freeDay(company, serviceRules, day.toISODate() as string, now, row.id)
      );
      const keep = row.staff?.id ?? (roster.length ? null : WHOLE_COMPANY);
      const nameOf = (id: number) => staffFirstName(roster.find((member) => member.id === id));
      const choices = slots.filter((slot) => slot.start !== start.toMillis());
      const same: SlotChoice[] = [];
      const others: SlotChoice[] = [];
      for (const slot of choices) {
        const at = DateTime.fromMillis(slot.start, { zone: company.timezone });
        if (keep !== null && slot.staffIds.includes(keep))
          same.push({ start: at, staffId: keep, staff: null });
        else if (slot.staffIds.length)
          others.push({ start: at, staffId: slot.staffIds[0], staff: nameOf(slot.staffIds[0]) });
      }
      const dayLink = (at: DateTime) => withLang(`${base}/move`, `day=${at.toISODate() as string}`);
      const previous = day.minus({ days: 1 });
      const following = day.plus({ days: 1 });
      return movePage({
        language,
        company: pageCompany,
        appointment,
        day,
        same,
        others,
        notice,
        links: {
          ...links,
          previousDay: previous >= today ? dayLink(previous) : null,
          nextDay: following <= today.plus({ days: MAX_DAYS_AHEAD }) ? dayLink(following) : null,
        },
      });
    };
    const dayOf = (value: unknown) => {
      const text = single(value);
      const asked =
        text && text.length === 10 ? DateTime.fromISO(text, { zone: company.timezone }) : null;
      if (asked?.isValid && asked >= today && asked <= today.plus({ days: MAX_DAYS_AHEAD }))
        return asked;
      return start.startOf('day') >= today ? start.startOf('day') : today;
    };

    if (method === 'GET') return html(ctx, 200, await movePageFor(dayOf(ctx.query.day), null));

    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const startMs = integer(body.start, 15);
    const staffId = integer(body.staff, 10);
    const newStart =
      startMs === null ? null : DateTime.fromMillis(startMs, { zone: company.timezone });
    const lastDay = today.plus({ days: MAX_DAYS_AHEAD }).endOf('day');
    // Only the times the page can offer: up to the last day it shows (a past one is refused below).
    if (!newStart?.isValid || newStart > lastDay || staffId === null)
      return refuse(ctx, 400, 'start (epoch milliseconds) and staff (an id) are required', () =>
        problemPage(language, 'bad')
      );
    const result = await runAsCompany(company.id, () =>
      booking().reschedule({
        company,
        customer: who,
        target,
        newStart,
        staffId: staffId === WHOLE_COMPANY ? null : staffId,
        now,
        alternatives: 0,
      })
    );
    if (result.ok) return moveOn('moved');
    if (result.reason === 'none' || result.reason === 'ambiguous')
      return refuse(ctx, 404, 'This link is used up: the appointment has changed since', () =>
        missingPage(language, pageCompany)
      );
    const day = newStart.startOf('day');
    const page = await movePageFor(dayOf(day.toISODate()), 'taken');
    return refuse(ctx, 409, 'That time is not free', () => page);
  };
};
