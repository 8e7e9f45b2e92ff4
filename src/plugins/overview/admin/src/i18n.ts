import { useIntl } from 'react-intl';
import en from './translations/en.json';
import de from './translations/de.json';

/**
 * The plugin's texts in the admin's language (English and German), as ids `overview.<key>`;
 * English is also the default when a translation is missing.
 */
export const PLUGIN_ID = 'overview';
export type MessageKey = keyof typeof en;
type Values = Record<string, string | number>;

const BY_LOCALE: Record<string, Record<string, string>> = { en, de };

/** For the admin's `registerTrads`: the messages of each locale it asks for, with the plugin's prefix. */
export const pluginTranslations = (locales: string[]) =>
  locales.map((locale) => ({
    locale,
    data: Object.fromEntries(
      Object.entries(BY_LOCALE[locale] ?? {}).map(([key, text]) => [`${PLUGIN_ID}.${key}`, text])
    ),
  }));

export const useT = () => {
  const { formatMessage } = useIntl();
  return (key: MessageKey, values?: Values) =>
    formatMessage({ id: `${PLUGIN_ID}.${key}`, defaultMessage: en[key] }, values);
};
