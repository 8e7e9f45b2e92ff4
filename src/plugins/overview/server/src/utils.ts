import type { Core } from '@strapi/strapi';
import type services from './services';

type Services = typeof services;
export const getService = <N extends keyof Services>(
  strapi: Core.Strapi,
  name: N
): ReturnType<Services[N]> =>
  strapi.plugin('overview').service(name as string) as ReturnType<Services[N]>;
