/**
 * Integrators are users-permissions users bound to one company.
 */
type PluginDefinition = {
  contentTypes: Record<string, { schema: { attributes: Record<string, unknown> } }>;
};

export default (plugin: PluginDefinition) => {
  plugin.contentTypes.user.schema.attributes.company = {
    type: 'relation',
    relation: 'manyToOne',
    target: 'api::company.company',
    useJoinTable: false,
  };
  return plugin;
};
