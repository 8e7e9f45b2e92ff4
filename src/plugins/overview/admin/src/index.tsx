import { ChartPie } from '@strapi/icons';

/** The overview page joins the admin's main navigation for users with `plugin::overview.read`. */
const PLUGIN_ID = 'overview';

export default {
  register(app: {
    addMenuLink: (link: Record<string, unknown>) => void;
    registerPlugin: (plugin: Record<string, unknown>) => void;
  }) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: ChartPie,
      intlLabel: { id: `${PLUGIN_ID}.menu`, defaultMessage: 'Overview' },
      Component: () => import('./pages/OverviewPage'),
      permissions: [{ action: 'plugin::overview.read', subject: null }],
      position: 1,
    });
    app.registerPlugin({ id: PLUGIN_ID, name: 'Overview' });
  },
};
