import { factories, type Core } from '@strapi/strapi';
import { violatedConstraint } from '../../../support/db-errors';
import { findScoped, insertScoped } from '../../../support/rows';

/**
 * Customers are found by phone number within the company in scope. `upsertByPhone` is safe
 * against a concurrent caller creating the same customer (the unique (company, phone) index
 * decides, the loser reads the winner's row). Found and created as lean rows
 * (../../../support/rows.ts): both are on the worker's and the in-call functions' hot path.
 */
type Customer = {
  id: number;
  documentId: string;
  name: string | null;
  phone: string;
  email: string | null;
  unverifiedPhone?: boolean | null;
};
const UID = 'api::customer.customer';
const PHONE_UNIQUE = 'customers_company_phone_uq';

/** The methods beyond Strapi's core service (typed for the app's service lookup, src/api/services.ts). */
export const customerMethods = ({ strapi }: { strapi: Core.Strapi }) => ({
  async findByPhone(phone: string): Promise<Customer | null> {
    return (await findScoped(strapi, UID, { phone })) as Customer | null;
  },

  async upsertByPhone(
    phone: string,
    details: { name?: string | null; email?: string | null } = {}
  ): Promise<Customer> {
    const existing = await this.findByPhone(phone);
    if (existing) return this.complete(existing, details);
    // The unique (company, phone) index decides a race: the loser reads the winner's row.
    const created = (await insertScoped(
      strapi,
      UID,
      { phone, name: details.name || undefined, email: details.email || undefined },
      { unique: ['phone'] }
    )) as Customer | null;
    if (created) return created;
    const winner = await this.findByPhone(phone);
    if (!winner) throw new Error('the customer of this number was deleted while it was created');
    return this.complete(winner, details);
  },

  /**
   * A customer from a number the caller only spoke (no caller ID): created new and flagged
   * `unverifiedPhone`; null when the number already belongs to a customer, whose record a
   * stranger must not be able to act on or complete.
   */
  async createUnverified(
    phone: string,
    details: { name?: string | null; email?: string | null } = {}
  ): Promise<Customer | null> {
    if (await this.findByPhone(phone)) return null;
    try {
      return (await strapi.documents(UID).create({
        data: {
          phone,
          name: details.name || undefined,
          email: details.email || undefined,
          unverifiedPhone: true,
        },
      })) as Customer;
    } catch (error) {
      if (violatedConstraint(error) === PHONE_UNIQUE) return null;
      throw error;
    }
  },

  /**
   * Fills in what a customer record lacks; never overwrites a name or email staff entered. A
   * record made from a number someone only spoke is the caller's once the network confirms the
   * number: its name and email (a stranger's, perhaps) give way to the caller's, and the flag goes.
   */
  async complete(
    customer: Customer,
    details: { name?: string | null; email?: string | null }
  ): Promise<Customer> {
    if (customer.unverifiedPhone) {
      // Cleared, not merely left out: the Document Service's input type has no null, the query layer does.
      return (await strapi.db.query(UID).update({
        where: { id: customer.id },
        data: {
          name: details.name || null,
          email: details.email || null,
          unverifiedPhone: false,
        },
      })) as Customer;
    }
    const patch: { name?: string; email?: string } = {};
    if (details.name && !customer.name) patch.name = details.name;
    if (details.email && !customer.email) patch.email = details.email;
    if (Object.keys(patch).length === 0) return customer;
    return (await strapi
      .documents(UID)
      .update({ documentId: customer.documentId, data: patch })) as Customer;
  },
});

export default factories.createCoreService(UID, customerMethods);
