import type { Core } from '@strapi/strapi';
import { toCompanyInfo } from '../../company/company-info';
import type { Delivery, NotificationRow } from './outbox';

/**
 * A notice for the company's team (to its `notificationEmail`), e.g. a caller who asked to be
 * called back. The text was written when the notice was planned (the row's snapshot), so it
 * says what happened then, in the company's language.
 */
type Snapshot = { subject: string; text: string };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async send(row: NotificationRow): Promise<Delivery> {
    const company = await strapi.db
      .query('api::company.company')
      .findOne({ where: { id: row.company_id } });
    const to = company ? toCompanyInfo(company).notificationEmail : null;
    if (!to) return { outcome: 'skipped', reason: 'the company has no notification email' };
    const { subject, text } = row.snapshot as Snapshot;
    await strapi.plugin('email').service('email').send({ to, subject, text });
    return { outcome: 'sent' };
  },
});
