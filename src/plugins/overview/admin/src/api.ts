import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';

/** A tiny data hook over the admin's authenticated fetch client. */
export type Period = 'today' | '7d' | '30d';

export const useOverviewData = <T>(
  path: string,
  query: Record<string, string | undefined>,
  refreshKey: number
) => {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<{
    data: T | null;
    error: string | null;
    loading: boolean;
  }>({ data: null, error: null, loading: true });
  const search = new URLSearchParams(
    Object.entries(query).filter(([, value]) => value !== undefined) as Array<[string, string]>
  ).toString();
  React.useEffect(() => {
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    get<{ data: T }>(`/overview/${path}${search ? `?${search}` : ''}`).then(
      (response) =>
        !cancelled && setState({ data: response.data.data, error: null, loading: false }),
      (error: Error) => !cancelled && setState({ data: null, error: error.message, loading: false })
    );
    return () => {
      cancelled = true;
    };
  }, [path, search, refreshKey]);
  return state;
};

export const formatDuration = (ms: number | null) => {
  if (ms === null || ms === undefined) return '–';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} min`;
};

export const percent = (value: number | null) =>
  value === null ? '–' : `${(value * 100).toFixed(1)} %`;
