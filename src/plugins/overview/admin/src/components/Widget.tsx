import * as React from 'react';
import { Box, Flex, Loader, Typography } from '@strapi/design-system';
import { useT } from '../i18n';

/** A titled card; `section[aria-labelledby]` with an h2, like the admin's own home widgets. */
export const Widget = ({
  id,
  title,
  action,
  loading,
  error,
  children,
}: {
  id: string;
  title: string;
  action?: React.ReactNode;
  loading?: boolean;
  error?: string | null;
  children: React.ReactNode;
}) => {
  const t = useT();
  return (
    <Box
      tag="section"
      aria-labelledby={`${id}-title`}
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      padding={5}
    >
      <Flex justifyContent="space-between" alignItems="center" paddingBottom={3}>
        <Typography tag="h2" id={`${id}-title`} variant="delta">
          {title}
        </Typography>
        {action}
      </Flex>
      {loading ? (
        <Flex justifyContent="center" padding={4}>
          <Loader small>{t('loading', { title })}</Loader>
        </Flex>
      ) : error ? (
        <Typography textColor="danger600">{error}</Typography>
      ) : (
        children
      )}
    </Box>
  );
};
