import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { renderEmail, type MessageKind } from '../../../domain/messages';
import { invitationFile } from '../../../domain/invitation';
import { toCompanyInfo } from '../../company/company-info';
import { onModel } from '../../../support/knex';
import { linkTargetOf, manageUrl, optOutUrl } from '../../../support/manage-link';
import type { Delivery, NotificationRow } from './outbox';

/**
 * The customer's email about a change of their appointment: text in the company's language and
 * the calendar invitation (same UID for the appointment's whole life, SEQUENCE = its change).
 * The times come from the row's snapshot — the message describes its own change, even when it
 * goes out after a later one.
 */
type Snapshot = { startsAt: string; endsAt: string };
type Loaded = {
  id: number;
  documentId: string;
  state: string;
  startsAt: string | Date;
  customer: {
    id: number;
    name: string | null;
    email: string | null;
    reminderChannel?: string | null;
  } | null;
  service: { name: string } | null;
  staff: { name: string } | null;
  company: Parameters<typeof toCompanyInfo>[0] & { notificationEmail?: string | null };
};

const UID = 'api::appointment.appointment';

/** The appointment a customer message is about, with what every message says of it. */
export const loadForMessage = <T>(strapi: Core.Strapi, appointmentId: number | null) =>
  strapi.db.query(UID).findOne({
    where: { id: appointmentId },
    populate: {
      customer: true,
      service: true,
      staff: { select: ['name'] },
      company: { populate: ['openingHours'] },
    },
  }) as Promise<T | null>;

/** As the customer knows the staff member: the first name. */
export const staffFirstName = (staff: { name: string } | null | undefined) =>
  staff?.name ? staff.name.split(' ')[0] : null;

/** Why a reminder should not go out (the appointment changed since it was planned), or null. */
export const reminderStale = (
  appointment: { state: string; startsAt: string | Date },
  snapshot: { startsAt: string }
): string | null => {
  const start = new Date(appointment.startsAt).getTime();
  if (!['confirmed', 'requested'].includes(appointment.state))
    return 'the appointment is no longer booked';
  if (start !== new Date(snapshot.startsAt).getTime()) return 'the appointment moved';
  if (start <= Date.now()) return 'the appointment has begun';
  return null;
};
const DEFAULT_FROM = 'no-reply@frontdesk.local';

/** The address part of "Name <address>" (EMAIL_FROM's form), without a regular expression. */
const addressOf = (from: string) => {
  const open = from.lastIndexOf('<');
  const close = from.lastIndexOf('>');
  return open >= 0 && close > open ? from.slice(open + 1, close).trim() : from.trim();
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async send(row: NotificationRow): Promise<Delivery> {
    const kind = row.kind as MessageKind;
    const appointment = await loadForMessage<Loaded>(strapi, row.appointment_id);
    if (!appointment) return { outcome: 'skipped', reason: 'the appointment no longer exists' };
    if (kind === 'reminder') {
      const stale = reminderStale(appointment, row.snapshot as Snapshot);
      if (stale) return { outcome: 'skipped', reason: stale };
    }
    const email = appointment.customer?.email;
    if (!email) return { outcome: 'skipped', reason: 'no email address' };
    if (kind === 'reminder' && appointment.customer?.reminderChannel === 'none')
      return { outcome: 'skipped', reason: 'the customer wants no reminders' };

    const company = toCompanyInfo(appointment.company);
    const snapshot = row.snapshot as Snapshot;
    const start = DateTime.fromISO(snapshot.startsAt, { zone: company.timezone });
    const service =
      appointment.service?.name ?? (company.language === 'de' ? 'Termin' : 'Appointment');
    // The link of this message's change: a later change makes it used up (a newer one follows).
    const target = linkTargetOf(appointment, row);
    const links = {
      manageUrl: manageUrl(target),
      optOutUrl: kind === 'reminder' ? optOutUrl(target) : null,
    };
    const { subject, text, html } = renderEmail({
      kind,
      language: company.language,
      company,
      customerName: appointment.customer?.name ?? null,
      service,
      // The first name, as the agent and the calendar say it.
      staff: staffFirstName(appointment.staff),
      start,
      ...links,
    });
    const organizer =
      company.notificationEmail || addressOf(process.env.EMAIL_FROM || DEFAULT_FROM);
    const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
    const ics = invitationFile({
      uid: `${appointment.documentId}@frontdesk`,
      sequence: row.sequence,
      method,
      start: new Date(snapshot.startsAt),
      end: new Date(snapshot.endsAt),
      summary: `${service} – ${company.name}`,
      location: company.address,
      description: text,
      url: links.manageUrl,
      organizer: { name: company.name, email: organizer },
      attendee: { name: appointment.customer?.name ?? null, email },
      alarmMinutes: 60,
      calendarName: company.name,
    });

    await strapi
      .plugin('email')
      .service('email')
      .send({
        to: email,
        ...(company.notificationEmail ? { replyTo: company.notificationEmail } : {}),
        subject,
        text,
        html,
        // RFC 8058: the mail client's own "unsubscribe" (a POST to the link) stops reminders.
        ...(links.optOutUrl
          ? {
              headers: {
                'List-Unsubscribe': `<${links.optOutUrl}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
            }
          : {}),
        attachments: [
          {
            filename: company.language === 'de' ? 'termin.ics' : 'appointment.ics',
            content: ics,
            contentType: `text/calendar; charset=utf-8; method=${method}`,
          },
        ],
      });
    if (kind === 'confirmation' || kind === 'update') {
      // A plain column write (the appointment's lifecycles have no part in it), and a best effort:
      // the message is out, so a failure here must not make it go out again.
      await onModel(strapi, 'api::appointment.appointment', (query) =>
        query.where('id', appointment.id).update({ confirmation_sent_at: new Date() })
      ).catch((error: Error) =>
        strapi.log.warn(
          `appointment ${appointment.id}: confirmation sent, but not recorded: ${error.message}`
        )
      );
    }
    return { outcome: 'sent' };
  },
});
