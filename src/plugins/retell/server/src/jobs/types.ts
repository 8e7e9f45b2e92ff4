import type { Core } from '@strapi/strapi';
import type { CompanyInfo } from '../../../../../api/company/company-info';
import type { RetellCall } from '../schemas';

/** One job per Retell event: its name and a small handler that calls app services. */
export type EventJob = {
  event: string;
  handle(context: { strapi: Core.Strapi; company: CompanyInfo; call: RetellCall; now: number }): Promise<void>;
};
