import type { Core } from '@strapi/strapi';
import type services from './services';

/** Typed access to this plugin's services, looked up when called (never captured at import). */
type Services = typeof services;
export type ServiceName = keyof Services;
export const getService = <N extends ServiceName>(
  strapi: Core.Strapi,
  name: N
): ReturnType<Services[N]> =>
  strapi.plugin('retell').service(name as string) as ReturnType<Services[N]>;

export const pluginConfig = <T>(strapi: Core.Strapi, key: string): T =>
  strapi.plugin('retell').config(key) as T;
