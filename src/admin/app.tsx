import type { StrapiApp } from '@strapi/strapi/admin';
import { translations } from './translations';

export default {
  config: {
    // German for German salons' staff (each login picks its language; the demo's front desk is German).
    locales: ['de'],
    translations,
    // The admin would fetch a public release feed on every load; this product runs offline too.
    notifications: { releases: false },
    tutorials: false,
  },
  bootstrap(_app: StrapiApp) {},
};
