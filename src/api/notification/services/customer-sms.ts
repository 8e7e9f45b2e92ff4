import type { Core } from '@strapi/strapi';
import { DateTime } from 'luxon';
import { renderSms, type MessageKind } from '../../../domain/messages';
import { toCompanyInfo } from '../../company/company-info';
import {
  companySms,
  hasCredentials,
  isMobile,
  sendSms,
  smsConfig,
  smsSegments,
} from '../../../support/sms';
import { linkTargetOf, manageUrl } from '../../../support/manage-link';
import { loadForMessage, reminderStale, staffFirstName } from './customer-email';
import type { Delivery, NotificationRow } from './outbox';

/**
 * The customer's text message about a change of their appointment (the SMS twin of
 * customer-email): only to a mobile number, only with the customer's consent
 * (`reminderChannel` = sms and `smsConsentAt`), through the provider SMS_PROVIDER names.
 */
type Snapshot = { startsAt: string; endsAt: string };
type Loaded = {
  id: number;
  state: string;
  startsAt: string | Date;
  customer: {
    id: number;
    name: string | null;
    phone: string | null;
    reminderChannel?: string | null;
    smsConsentAt?: string | null;
  } | null;
  service: { name: string } | null;
  staff: { name: string } | null;
  company: Parameters<typeof toCompanyInfo>[0] & {
    smsProvider?: string | null;
    smsFrom?: string | null;
  };
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async send(row: NotificationRow): Promise<Delivery> {
    const kind = row.kind as MessageKind;
    const appointment = await loadForMessage<Loaded>(strapi, row.appointment_id);
    if (!appointment) return { outcome: 'skipped', reason: 'the appointment no longer exists' };
    const config = companySms(smsConfig(), appointment.company);
    if (config.provider === 'none') return { outcome: 'skipped', reason: 'no SMS provider' };
    if (!hasCredentials(config))
      return { outcome: 'skipped', reason: `no credentials for ${config.provider} (env)` };
    const customer = appointment.customer;
    if (!customer?.smsConsentAt || customer.reminderChannel !== 'sms')
      return { outcome: 'skipped', reason: 'no consent to text messages' };
    if (!isMobile(customer.phone)) return { outcome: 'skipped', reason: 'not a mobile number' };
    if (kind === 'reminder') {
      const stale = reminderStale(appointment, row.snapshot as Snapshot);
      if (stale) return { outcome: 'skipped', reason: stale };
    }
    const company = toCompanyInfo(appointment.company);
    const snapshot = row.snapshot as Snapshot;
    const text = renderSms({
      kind,
      language: company.language,
      company,
      customerName: customer.name,
      service: appointment.service?.name ?? (company.language === 'de' ? 'Termin' : 'Appointment'),
      staff: staffFirstName(appointment.staff),
      start: DateTime.fromISO(snapshot.startsAt, { zone: company.timezone }),
      manageUrl: manageUrl(linkTargetOf(appointment, row)),
    });
    if (smsSegments(text).segments > 1)
      strapi.log.info(`notification ${row.id}: the text message takes several segments`);
    await sendSms(config, { to: customer.phone as string, text, from: config.from });
    return { outcome: 'sent' };
  },
});
