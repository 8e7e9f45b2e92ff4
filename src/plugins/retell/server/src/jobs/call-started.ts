import type { EventJob } from './types';
import { basePatch, customerOf, services } from './call-context';

/** call_started: the caller becomes (or is found as) a customer; the call is logged as ongoing. */
const callStarted: EventJob = {
  event: 'call_started',
  async handle({ strapi, company, call }) {
    const customer = await customerOf(strapi, company, call);
    await services(strapi).calls.track({ ...basePatch(call), state: 'ongoing', customer: customer?.id });
  },
};

export default callStarted;
