import type { Core } from '@strapi/strapi';
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import { moment, type Language } from '../../../domain/speech';
import { toCompanyInfo } from '../../company/company-info';

/**
 * The confirmation of a booked appointment: an email in the company's language with an .ics
 * invitation, sent from a queued job, never inline. Idempotent: an appointment whose
 * confirmation went out is skipped; `confirmationSentAt` records when it did.
 */
const UID = 'api::appointment.appointment';

type Loaded = {
  id: number;
  documentId: string;
  startsAt: string;
  endsAt: string;
  state: string;
  confirmationSentAt: string | null;
  customer: { name: string | null; email: string | null } | null;
  service: { name: string } | null;
  company: Parameters<typeof toCompanyInfo>[0] & { notificationEmail?: string | null };
};

export type ConfirmationOutcome = 'sent' | 'already-sent' | 'no-email' | 'not-confirmed' | 'missing';

const TEXT: Record<Language, (values: { name: string; service: string; when: string; company: string }) => { subject: string; body: string }> = {
  de: ({ name, service, when, company }) => ({
    subject: `Terminbestätigung: ${service} am ${when}`,
    body: `Guten Tag${name ? ` ${name}` : ''},\n\nIhr Termin bei ${company} ist bestätigt:\n${service} am ${when}.\n\nDen Termin finden Sie auch im Anhang für Ihren Kalender. Wenn Sie nicht kommen können, rufen Sie uns bitte kurz an.\n\nViele Grüße\n${company}\n`,
  }),
  en: ({ name, service, when, company }) => ({
    subject: `Appointment confirmed: ${service} on ${when}`,
    body: `Hello${name ? ` ${name}` : ''},\n\nyour appointment at ${company} is confirmed:\n${service} on ${when}.\n\nThe attached invitation adds it to your calendar. If you cannot make it, please give us a call.\n\nKind regards\n${company}\n`,
  }),
};

export const calendarInvite = (appointment: Pick<Loaded, 'documentId' | 'startsAt' | 'endsAt'>, summary: string, companyName: string, description: string) => {
  const calendar = ical({ prodId: { company: 'Frontdesk', product: 'Frontdesk', language: 'EN' }, name: companyName, method: 'REQUEST' as never });
  calendar.createEvent({
    id: `${appointment.documentId}@frontdesk`,
    start: new Date(appointment.startsAt),
    end: new Date(appointment.endsAt),
    summary,
    description,
    location: companyName,
  });
  return calendar.toString();
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async send(appointmentId: number): Promise<ConfirmationOutcome> {
    const appointment = (await strapi.documents(UID).findFirst({
      filters: { id: appointmentId },
      populate: { customer: true, service: true, company: { populate: ['openingHours'] } },
    })) as unknown as Loaded | null;
    if (!appointment) return 'missing';
    if (appointment.confirmationSentAt) return 'already-sent';
    if (appointment.state !== 'confirmed') return 'not-confirmed';
    const email = appointment.customer?.email;
    if (!email) return 'no-email';

    const company = toCompanyInfo(appointment.company);
    const start = DateTime.fromISO(appointment.startsAt, { zone: company.timezone });
    const service = appointment.service?.name ?? (company.language === 'de' ? 'Termin' : 'Appointment');
    const { subject, body } = TEXT[company.language]({ name: appointment.customer?.name ?? '', service, when: moment(start, company.language), company: company.name });

    await strapi.plugin('email').service('email').send({
      to: email,
      ...(company.notificationEmail ? { replyTo: company.notificationEmail } : {}),
      subject,
      text: body,
      attachments: [
        {
          filename: company.language === 'de' ? 'termin.ics' : 'appointment.ics',
          content: calendarInvite(appointment, `${service} – ${company.name}`, company.name, body),
          contentType: 'text/calendar; charset=utf-8; method=REQUEST',
        },
      ],
    });
    await strapi.documents(UID).update({ documentId: appointment.documentId, data: { confirmationSentAt: new Date().toISOString() } as never });
    return 'sent';
  },

  /** Phone bookings of the last day whose confirmation is still due (e.g. Redis was down). */
  async due(limit = 100): Promise<Array<{ id: number; companyId: number }>> {
    const since = new Date(Date.now() - 24 * 3_600_000);
    const rows = await strapi.db
      .connection('appointments as a')
      .join('appointments_customer_lnk as l', 'l.appointment_id', 'a.id')
      .join('customers as c', 'c.id', 'l.customer_id')
      .where('a.state', 'confirmed')
      .where('a.source', 'phone')
      .whereNull('a.confirmation_sent_at')
      .where('a.created_at', '>', since)
      .where('a.created_at', '<', new Date(Date.now() - 10_000))
      .whereNotNull('c.email')
      .whereNotNull('a.company_id')
      .select('a.id', 'a.company_id')
      .limit(limit);
    return rows.map((row: { id: number; company_id: number }) => ({ id: row.id, companyId: row.company_id }));
  },
});
