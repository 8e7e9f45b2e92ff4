import type { StrapiApp } from '@strapi/strapi/admin';

export default {
  config: {
    locales: ['de'],
    // The admin would fetch a public release feed on every load; this product runs offline too.
    notifications: { releases: false },
    tutorials: false,
  },
  bootstrap(_app: StrapiApp) {},
};
