import * as React from 'react';
import { Layouts, Page, useAuth, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { Box, Button, Flex, Grid, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { ArrowClockwise, Download } from '@strapi/icons';
import { useOverviewData, type Period } from '../api';
import { Widget } from '../components/Widget';
import { Kpis, type KpiData } from '../components/Kpis';
import { Appointments, type AppointmentDays } from '../components/Appointments';
import { Calls, type CallsData } from '../components/Calls';
import { Queue, type QueueData } from '../components/Queue';
import { Callbacks, type CallbacksData } from '../components/Callbacks';
import { useT, type MessageKey } from '../i18n';

/**
 * What a front-desk manager opens every morning: today's and the coming week's appointments,
 * calls in progress and the latest ones, the period's figures, and whether any webhook failed.
 * Staff see their company; super admins choose one or look at all.
 */
const PERIODS: Period[] = ['today', '7d', '30d'];

const OverviewPage = () => {
  const t = useT();
  const { put, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const token = useAuth('Overview', (auth) => auth.token);
  const [period, setPeriod] = React.useState<Period>('7d');
  const [company, setCompany] = React.useState<string>('all');
  const [refresh, setRefresh] = React.useState(0);

  const companies = useOverviewData<Array<{ id: number; name: string }>>('companies', {}, 0);
  const canPick = (companies.data?.length ?? 0) > 1;
  const query = { period, company: canPick ? company : undefined };
  const kpis = useOverviewData<KpiData>('kpis', query, refresh);
  const appointments = useOverviewData<AppointmentDays>('appointments', query, refresh);
  const calls = useOverviewData<CallsData>('calls', query, refresh);
  const queue = useOverviewData<QueueData>('queue', query, refresh);
  const callbacks = useOverviewData<CallbacksData>('callbacks', query, refresh);
  const showCompany = canPick && company === 'all';

  const changeState = async (documentId: string, state: string) => {
    try {
      await put(`/overview/appointments/${documentId}/state`, { state });
      toggleNotification({
        type: 'success',
        message: t('state.changed', { state: t(`state.${state}` as MessageKey) }),
      });
      setRefresh((value) => value + 1);
    } catch (error) {
      toggleNotification({ type: 'danger', message: (error as Error).message });
    }
  };

  const callbackDone = async (documentId: string) => {
    try {
      await put(`/overview/callbacks/${documentId}/done`, {});
      toggleNotification({ type: 'success', message: t('callbacks.marked') });
      setRefresh((value) => value + 1);
    } catch (error) {
      toggleNotification({ type: 'danger', message: (error as Error).message });
    }
  };

  const replay = async (documentId: string) => {
    try {
      await post(`/retell/webhook-events/${documentId}/replay`, {});
      toggleNotification({ type: 'success', message: t('replay.queued') });
      setRefresh((value) => value + 1);
    } catch (error) {
      toggleNotification({ type: 'danger', message: (error as Error).message });
    }
  };

  const download = async (kind: 'appointments' | 'calls') => {
    const search = new URLSearchParams({ period, ...(canPick ? { company } : {}) }).toString();
    const response = await fetch(
      `${window.strapi?.backendURL ?? ''}/overview/export/${kind}?${search}`,
      { headers: { Authorization: `Bearer ${token}` } }
    );
    if (!response.ok) {
      toggleNotification({
        type: 'danger',
        message: t('export.failed', { status: response.status }),
      });
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download =
      /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
      `${kind}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Page.Main>
      <Page.Title>{t('title')}</Page.Title>
      <Layouts.Header
        title={t('title')}
        subtitle={
          kpis.data
            ? t('subtitle.figures', {
                period: t(`period.${period}`).toLowerCase(),
                zone: appointments.data?.timezone ?? '',
              })
            : t('subtitle.default')
        }
        primaryAction={
          <Flex gap={2}>
            {canPick ? (
              <SingleSelect
                aria-label={t('company.label')}
                size="S"
                value={company}
                onChange={(value: string | number) => setCompany(String(value))}
              >
                <SingleSelectOption value="all">{t('company.all')}</SingleSelectOption>
                {companies.data?.map((item) => (
                  <SingleSelectOption key={item.id} value={String(item.id)}>
                    {item.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            ) : null}
            <SingleSelect
              aria-label={t('period.label')}
              size="S"
              value={period}
              onChange={(value: string | number) => setPeriod(value as Period)}
            >
              {PERIODS.map((value) => (
                <SingleSelectOption key={value} value={value}>
                  {t(`period.${value}`)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
            <Button
              variant="tertiary"
              startIcon={<ArrowClockwise />}
              onClick={() => setRefresh((value) => value + 1)}
            >
              {t('refresh')}
            </Button>
          </Flex>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Widget
            id="kpis"
            title={t('kpis.title')}
            loading={kpis.loading && !kpis.data}
            error={kpis.error}
          >
            {kpis.data ? <Kpis data={kpis.data} /> : null}
          </Widget>
          <Grid.Root gap={6}>
            <Grid.Item col={7} s={12} alignItems="stretch">
              <Box width="100%">
                <Widget
                  id="appointments"
                  title={t('appointments.title')}
                  loading={appointments.loading && !appointments.data}
                  error={appointments.error}
                >
                  {appointments.data ? (
                    <Appointments
                      data={appointments.data}
                      showCompany={showCompany}
                      onChangeState={changeState}
                    />
                  ) : null}
                </Widget>
              </Box>
            </Grid.Item>
            <Grid.Item col={5} s={12} alignItems="stretch">
              <Box width="100%">
                <Widget
                  id="queue"
                  title={t('queue.title')}
                  loading={queue.loading && !queue.data}
                  error={queue.error}
                  action={
                    <Flex gap={2}>
                      <Button
                        size="S"
                        variant="secondary"
                        startIcon={<Download />}
                        onClick={() => download('appointments')}
                      >
                        {t('export.appointments')}
                      </Button>
                      <Button
                        size="S"
                        variant="secondary"
                        startIcon={<Download />}
                        onClick={() => download('calls')}
                      >
                        {t('export.calls')}
                      </Button>
                    </Flex>
                  }
                >
                  {queue.data ? <Queue data={queue.data} onReplay={replay} /> : null}
                </Widget>
              </Box>
            </Grid.Item>
          </Grid.Root>
          <Widget
            id="callbacks"
            title={`${t('callbacks.title')}${callbacks.data?.open ? ` (${callbacks.data.open})` : ''}`}
            loading={callbacks.loading && !callbacks.data}
            error={callbacks.error}
          >
            {callbacks.data ? (
              <Callbacks data={callbacks.data} showCompany={showCompany} onDone={callbackDone} />
            ) : null}
          </Widget>
          <Widget
            id="calls"
            title={t('calls.title')}
            loading={calls.loading && !calls.data}
            error={calls.error}
          >
            {calls.data ? <Calls data={calls.data} showCompany={showCompany} /> : null}
          </Widget>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

declare global {
  interface Window {
    strapi?: { backendURL?: string };
  }
}

export default OverviewPage;
