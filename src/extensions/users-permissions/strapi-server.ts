import { cacheAuthentication, type ServiceFactories } from './auth-cache';

/**
 * Integrators are users-permissions users bound to one company; their user and their role's
 * permissions are cached between requests (auth-cache.ts).
 */
type PluginDefinition = {
  contentTypes: Record<string, { schema: { attributes: Record<string, unknown> } }>;
  services: ServiceFactories;
};

export default (plugin: PluginDefinition) => {
  plugin.contentTypes.user.schema.attributes.company = {
    type: 'relation',
    relation: 'manyToOne',
    target: 'api::company.company',
    useJoinTable: false,
  };
  cacheAuthentication(plugin.services);
  return plugin;
};
