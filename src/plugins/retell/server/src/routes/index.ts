/**
 * Retell calls these without a Strapi login: the signature middleware is their authentication.
 * The replay route is the admin panel's, behind admin auth and the replay permission.
 */
const signed = { auth: false as const, middlewares: ['plugin::retell.verify-signature'] };

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      { method: 'POST', path: '/webhook', handler: 'webhook.receive', config: signed },
      { method: 'POST', path: '/functions/:name', handler: 'functions.invoke', config: signed },
    ],
  },
  admin: {
    type: 'admin',
    routes: [
      {
        method: 'POST',
        path: '/webhook-events/:documentId/replay',
        handler: 'inbox-admin.replay',
        config: {
          policies: [
            'admin::isAuthenticatedAdmin',
            { name: 'admin::hasPermissions', config: { actions: ['plugin::retell.replay'] } },
          ],
        },
      },
    ],
  },
};
