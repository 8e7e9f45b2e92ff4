import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useT } from '../i18n';

/**
 * On a company's page in the content manager: the URLs to give Retell (or let
 * `npm run retell:agent -- --apply` set) and when an event last came from its agent.
 */
type Status = {
  agentId: string | null;
  phoneNumber: string | null;
  lastEventAt: string | null;
  urls: { webhook: string; inbound: string; functions: string };
};

const ago = (iso: string, locale: string) => {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
};

const RetellStatus = ({ documentId }: { documentId: string }) => {
  const { get } = useFetchClient();
  const t = useT();
  const { locale } = useIntl();
  const [status, setStatus] = React.useState<Status | null>(null);
  React.useEffect(() => {
    let live = true;
    get<{ data: Status }>(`/overview/retell-status?company=${encodeURIComponent(documentId)}`)
      .then((response) => live && setStatus(response.data.data))
      .catch(() => live && setStatus(null));
    return () => {
      live = false;
    };
  }, [documentId, get]);
  if (!status) return null;
  const line = (label: string, value: string) => (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography variant="pi" style={{ wordBreak: 'break-all', fontFamily: 'monospace' }}>
        {value}
      </Typography>
    </Flex>
  );
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="retell-status">
      <Typography variant="pi" data-testid="retell-last-event">
        {status.lastEventAt
          ? t('retell.lastEvent', { when: ago(status.lastEventAt, locale) })
          : t('retell.never')}
      </Typography>
      {line(t('retell.webhook'), status.urls.webhook)}
      {line(t('retell.inbound'), status.urls.inbound)}
      {line(t('retell.functions'), status.urls.functions)}
      <Typography variant="pi" textColor="neutral600">
        {t('retell.command')}
      </Typography>
    </Flex>
  );
};

/** The content manager's side panel (addEditViewSidePanel): only on a saved company. */
export const RetellPanel = ({ model, documentId }: { model: string; documentId?: string }) =>
  model === 'api::company.company' && documentId
    ? { title: 'Retell', content: <RetellStatus documentId={documentId} /> }
    : null;
