import { Badge, Button, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { HeaderRow } from './HeaderRow';
import { useT } from '../i18n';

export type CallbacksData = {
  open: number;
  requests: Array<{
    documentId: string;
    customer: string | null;
    phone: string | null;
    reason: string;
    preferredTime: string | null;
    state: string;
    createdAt: string;
    company: string | null;
  }>;
};

/** Callers who asked to be called back (the agent's request_callback): open first, done once called. */
export const Callbacks = ({
  data,
  showCompany,
  onDone,
}: {
  data: CallbacksData;
  showCompany: boolean;
  onDone: (documentId: string) => void;
}) => {
  const t = useT();
  if (data.requests.length === 0)
    return (
      <Typography variant="pi" textColor="neutral600">
        {t('callbacks.none')}
      </Typography>
    );
  return (
    <Table colCount={5} rowCount={data.requests.length + 1}>
      <HeaderRow
        labels={[
          t('col.received'),
          t('col.customer'),
          t('callbacks.reason'),
          t('callbacks.when'),
          t('col.action'),
        ]}
      />
      <Tbody>
        {data.requests.map((request) => (
          <Tr key={request.documentId} data-testid={`callback-${request.documentId}`}>
            <Td>
              <Typography>{new Date(request.createdAt).toLocaleString()}</Typography>
            </Td>
            <Td>
              <Typography>
                {request.customer ?? '–'}
                {request.phone ? ` · ${request.phone}` : ''}
                {showCompany && request.company ? ` · ${request.company}` : ''}
              </Typography>
            </Td>
            <Td style={{ maxWidth: 360 }}>
              <Typography ellipsis title={request.reason}>
                {request.reason}
              </Typography>
            </Td>
            <Td>
              <Typography>{request.preferredTime ?? '–'}</Typography>
            </Td>
            <Td>
              {request.state === 'open' ? (
                <Button size="S" variant="secondary" onClick={() => onDone(request.documentId)}>
                  {t('callbacks.done')}
                </Button>
              ) : (
                <Badge>{t('callbacks.isDone')}</Badge>
              )}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
