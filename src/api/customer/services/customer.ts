import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Customers are found by phone number within the company in scope. `upsertByPhone` is safe
 * against a concurrent caller creating the same customer (the unique (company, phone) index
 * decides, the loser reads the winner's row). Call it outside a transaction.
 */
type Customer = { id: number; documentId: string; name: string | null; phone: string; email: string | null };
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

  /** Fills in what a customer record lacks; never overwrites a name or email staff entered. */
  async complete(customer: Customer, details: { name?: string | null; email?: string | null }): Promise<Customer> {
    const patch: Record<string, string> = {};
    if (details.name && !customer.name) patch.name = details.name;
    if (details.email && !customer.email) patch.email = details.email;
    if (Object.keys(patch).length === 0) return customer;
    return (await strapi.documents(UID).update({ documentId: customer.documentId, data: patch as never })) as Customer;
  },
}));
