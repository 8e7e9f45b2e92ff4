import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Customers are found by phone number within the company in scope. `upsertByPhone` is safe
 * against a concurrent caller creating the same customer (the unique (company, phone) index
 * decides, the loser reads the winner's row). Call it outside a transaction.
 */
type Customer = { id: number; documentId: string; name: string | null; phone: string; email: string | null; unverifiedPhone?: boolean | null };
const UID = 'api::customer.customer';

export default factories.createCoreService(UID, ({ strapi }) => ({
  async findByPhone(phone: string): Promise<Customer | null> {
    return (await strapi.documents(UID).findFirst({ filters: { phone } })) as Customer | null;
  },

  async upsertByPhone(phone: string, details: { name?: string | null; email?: string | null } = {}): Promise<Customer> {
    const existing = await this.findByPhone(phone);
    if (existing) return this.complete(existing, details);
    try {
      return (await strapi.documents(UID).create({
        data: { phone, name: details.name || null, email: details.email || null } as never,
      })) as Customer;
    } catch (error) {
      const constraint = error instanceof errors.ValidationError ? (error.details as { constraint?: string })?.constraint : null;
      if (constraint !== 'customers_company_phone_uq') throw error;
      const winner = await this.findByPhone(phone);
      if (!winner) throw error;
      return this.complete(winner, details);
    }
  },

  /**
   * A customer from a number the caller only spoke (no caller ID): created new and flagged
   * `unverifiedPhone`; null when the number already belongs to a customer, whose record a
   * stranger must not be able to act on or complete.
   */
  async createUnverified(phone: string, details: { name?: string | null; email?: string | null } = {}): Promise<Customer | null> {
    if (await this.findByPhone(phone)) return null;
    try {
      return (await strapi.documents(UID).create({
        data: { phone, name: details.name || null, email: details.email || null, unverifiedPhone: true } as never,
      })) as Customer;
    } catch (error) {
      const constraint = error instanceof errors.ValidationError ? (error.details as { constraint?: string })?.constraint : null;
      if (constraint === 'customers_company_phone_uq') return null;
      throw error;
    }
  },

  /**
   * Fills in what a customer record lacks; never overwrites a name or email staff entered. A
   * record made from a number someone only spoke is the caller's once the network confirms the
   * number: its name and email (a stranger's, perhaps) give way to the caller's, and the flag goes.
   */
  async complete(customer: Customer, details: { name?: string | null; email?: string | null }): Promise<Customer> {
    if (customer.unverifiedPhone) {
      return (await strapi.documents(UID).update({
        documentId: customer.documentId,
        data: { name: details.name || null, email: details.email || null, unverifiedPhone: false } as never,
      })) as Customer;
    }
    const patch: Record<string, string> = {};
    if (details.name && !customer.name) patch.name = details.name;
    if (details.email && !customer.email) patch.email = details.email;
    if (Object.keys(patch).length === 0) return customer;
    return (await strapi.documents(UID).update({ documentId: customer.documentId, data: patch as never })) as Customer;
  },
}));
