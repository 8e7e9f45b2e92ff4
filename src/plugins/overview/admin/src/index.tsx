import { Calendar, ChartPie } from '@strapi/icons';
import { PLUGIN_ID, pluginTranslations } from './i18n';
import { RetellPanel } from './components/RetellPanel';

/**
 * The overview and the staff calendar join the admin's main navigation for users with
 * `plugin::overview.read`; their texts come in English and German.
 */
const READ = [{ action: 'plugin::overview.read', subject: null }];

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
      permissions: READ,
      position: 1,
    });
    app.addMenuLink({
      to: 'plugins/calendar',
      icon: Calendar,
      intlLabel: { id: `${PLUGIN_ID}.menu.calendar`, defaultMessage: 'Calendar' },
      Component: () => import('./pages/CalendarPage'),
      permissions: READ,
      position: 2,
    });
    app.registerPlugin({ id: PLUGIN_ID, name: 'Overview' });
  },

  bootstrap(app: {
    getPlugin: (id: string) => {
      apis: { addEditViewSidePanel: (panels: Array<typeof RetellPanel>) => void };
    };
  }) {
    app.getPlugin('content-manager').apis.addEditViewSidePanel([RetellPanel]);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return pluginTranslations(locales);
  },
};
