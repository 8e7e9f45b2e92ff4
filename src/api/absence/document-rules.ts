import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { paramsOf, type DocumentMiddleware } from '../../support/documents';
import { onModel } from '../../support/knex';

/** An absence ends after it starts, whoever writes it (a partial update is checked against the row). */
const UID = 'api::absence.absence';

const instant = (value: unknown, field: string): number | null => {
  if (value === undefined || value === null || value === '') return null;
  const time = new Date(value as string).getTime();
  if (Number.isNaN(time)) throw new errors.ValidationError(`${field} must be a date-time`);
  return time;
};

export const createAbsenceRules = (strapi: Core.Strapi): DocumentMiddleware => {
  return async (context, next) => {
    const action = context.action;
    if (context.uid !== UID || (action !== 'create' && action !== 'update' && action !== 'clone'))
      return next();
    const params = paramsOf(context);
    const data = params.data ?? {};
    if (!('startsAt' in data) && !('endsAt' in data)) return next();
    const row =
      params.documentId && (!('startsAt' in data) || !('endsAt' in data))
        ? await onModel<{ starts_at: unknown; ends_at: unknown } | undefined>(
            strapi,
            UID,
            (query) =>
              query.select('starts_at', 'ends_at').where('document_id', params.documentId).first()
          )
        : undefined;
    const startsAt = instant('startsAt' in data ? data.startsAt : row?.starts_at, 'startsAt');
    const endsAt = instant('endsAt' in data ? data.endsAt : row?.ends_at, 'endsAt');
    if (startsAt !== null && endsAt !== null && endsAt <= startsAt)
      throw new errors.ValidationError('endsAt must be after startsAt', {
        errors: [
          { path: ['endsAt'], message: 'endsAt must be after startsAt', name: 'ValidationError' },
        ],
      });
    return next();
  };
};
