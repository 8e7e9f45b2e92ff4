import type { EventJob } from './types';
import { basePatch, customerOf, endPatch, services } from './call-context';

/** call_ended: duration, transcript, recording, disconnection reason; also when call_started never came. */
const callEnded: EventJob = {
  event: 'call_ended',
  async handle({ strapi, company, call }) {
    const customer = await customerOf(strapi, company, call);
    await services(strapi).calls.track({ ...basePatch(call), ...endPatch(call), customer: customer?.id });
  },
};

export default callEnded;
