/** Admin routes: behind the admin login and the `plugin::overview.read` permission. */
const guarded = { policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: ['plugin::overview.read'] } }] };
const route = (method: string, path: string, handler: string) => ({ method, path, handler: `overview.${handler}`, config: guarded });

export default {
  admin: {
    type: 'admin',
    routes: [
      route('GET', '/companies', 'companies'),
      route('GET', '/appointments', 'appointments'),
      route('PUT', '/appointments/:documentId/state', 'setState'),
      route('GET', '/calls', 'calls'),
      route('GET', '/kpis', 'kpis'),
      route('GET', '/queue', 'queue'),
      route('GET', '/export/:kind', 'export'),
      route('GET', '/cache', 'cacheStats'),
    ],
  },
};
