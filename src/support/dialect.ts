import type { Core } from '@strapi/strapi';

export const isPostgres = (strapi: Core.Strapi): boolean => {
  const client = (strapi.db.config as { connection?: { client?: string } }).connection?.client;
  return client === 'postgres' || client === 'pg';
};
