/**
 * Admin routes. Reads authenticate through `read-auth` (Strapi's admin checks, remembered a few
 * seconds; see the middleware) and need `plugin::overview.read`; the writes (a state change, a
 * move in the calendar) use Strapi's admin authentication as it is.
 */
const read = (path: string, handler: string) => ({
  method: 'GET',
  path,
  handler: `overview.${handler}`,
  config: { auth: false as const, middlewares: ['plugin::overview.read-auth'] },
});

export default {
  admin: {
    type: 'admin',
    routes: [
      read('/companies', 'companies'),
      read('/appointments', 'appointments'),
      read('/calls', 'calls'),
      read('/kpis', 'kpis'),
      read('/queue', 'queue'),
      read('/export/:kind', 'export'),
      read('/cache', 'cacheStats'),
      read('/calendar', 'calendar'),
      read('/callbacks', 'callbacks'),
      read('/retell-status', 'retellStatus'),
      {
        method: 'PUT',
        path: '/callbacks/:documentId/done',
        handler: 'overview.callbackDone',
        config: {
          policies: [
            'admin::isAuthenticatedAdmin',
            { name: 'admin::hasPermissions', config: { actions: ['plugin::overview.read'] } },
          ],
        },
      },
      {
        method: 'PUT',
        path: '/calendar/appointments/:documentId',
        handler: 'overview.moveAppointment',
        config: {
          policies: [
            'admin::isAuthenticatedAdmin',
            { name: 'admin::hasPermissions', config: { actions: ['plugin::overview.read'] } },
          ],
        },
      },
      {
        method: 'PUT',
        path: '/appointments/:documentId/state',
        handler: 'overview.setState',
        config: {
          policies: [
            'admin::isAuthenticatedAdmin',
            { name: 'admin::hasPermissions', config: { actions: ['plugin::overview.read'] } },
          ],
        },
      },
    ],
  },
};
