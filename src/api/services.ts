import type { Core } from '@strapi/strapi';
import type availability from './appointment/services/availability';
import type booking from './appointment/services/booking';
import type { callMethods } from './call/services/call';
import type { companyMethods } from './company/services/company';
import type { customerMethods } from './customer/services/customer';
import type customerEmail from './notification/services/customer-email';
import type customerSms from './notification/services/customer-sms';
import type outbox from './notification/services/outbox';
import type staffEmail from './notification/services/staff-email';

/**
 * The app's own services by name, typed by their factories (as Strapi's i18n plugin types its
 * `getService`): one place that knows what `strapi.service('api::…')` returns, instead of an
 * interface and a cast wherever a service is used. Looked up when called, never captured.
 */
type AppServices = {
  'api::appointment.availability': ReturnType<typeof availability>;
  'api::appointment.booking': ReturnType<typeof booking>;
  'api::call.call': ReturnType<typeof callMethods>;
  'api::company.company': ReturnType<typeof companyMethods>;
  'api::customer.customer': ReturnType<typeof customerMethods>;
  'api::notification.customer-email': ReturnType<typeof customerEmail>;
  'api::notification.customer-sms': ReturnType<typeof customerSms>;
  'api::notification.outbox': ReturnType<typeof outbox>;
  'api::notification.staff-email': ReturnType<typeof staffEmail>;
};
export type AppServiceName = keyof AppServices;

export const appService = <N extends AppServiceName>(
  strapi: Core.Strapi,
  name: N
): AppServices[N] => strapi.service(name) as unknown as AppServices[N];
