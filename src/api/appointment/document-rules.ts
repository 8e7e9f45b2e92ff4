import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { paramsOf, type DocumentMiddleware } from '../../support/documents';

/**
 * Rules of an appointment on every write path:
 * - `endsAt` defaults to `startsAt` + the service's duration; it must lie after `startsAt`;
 * - `source` defaults to where the write came from (admin panel, REST API); phone bookings set it.
 */
const UID = 'api::appointment.appointment';

type RequestState = { auth?: { strategy?: { name?: string } } };

const toDate = (value: unknown, field: string): Date | null => {
  if (value === undefined || value === null || value === '') return null;
  const date = new Date(value as string);
  if (Number.isNaN(date.getTime()))
    throw new errors.ValidationError(`${field} must be a date-time`);
  return date;
};

export const createAppointmentRules = (strapi: Core.Strapi): DocumentMiddleware => {
  const serviceDuration = async (value: unknown): Promise<number | null> => {
    const raw =
      value && typeof value === 'object' && 'connect' in (value as object)
        ? (value as { connect: unknown[] }).connect?.[0]
        : value;
    const ref = Array.isArray(raw) ? raw[0] : raw;
    const documentId =
      typeof ref === 'string' ? ref : (ref as { documentId?: string } | undefined)?.documentId;
    const id = typeof ref === 'number' ? ref : (ref as { id?: number } | undefined)?.id;
    if (!documentId && !id) return null;
    const service = await strapi.db.query('api::service.service').findOne({
      where: documentId ? { documentId } : { id },
      select: ['durationMinutes'],
    });
    return service?.durationMinutes ?? null;
  };

  const sourceOfRequest = (): 'admin' | 'api' | null => {
    const state = (strapi.requestContext.get() as { state?: RequestState } | undefined)?.state;
    const strategy = state?.auth?.strategy?.name;
    if (!strategy) return null;
    return strategy === 'admin' ? 'admin' : 'api';
  };

  return async (context, next) => {
    if (context.uid !== UID || (context.action !== 'create' && context.action !== 'update'))
      return next();
    const params = paramsOf(context);
    const data = params.data ?? {};
    params.data = data;

    if (context.action === 'create' && data.source === undefined) {
      const source = sourceOfRequest();
      if (source) data.source = source;
    }

    if ('startsAt' in data || 'endsAt' in data || 'service' in data) {
      let startsAt = toDate(data.startsAt, 'startsAt');
      let endsAt = toDate(data.endsAt, 'endsAt');
      if (context.action === 'update' && (!startsAt || !endsAt) && params.documentId) {
        const current = await strapi.db.query(UID).findOne({
          where: { documentId: params.documentId },
          select: ['startsAt', 'endsAt'],
        });
        startsAt = startsAt ?? toDate(current?.startsAt, 'startsAt');
        if (!('endsAt' in data)) endsAt = endsAt ?? toDate(current?.endsAt, 'endsAt');
      }
      if (startsAt && !endsAt && data.service !== undefined) {
        const minutes = await serviceDuration(data.service);
        if (minutes) {
          endsAt = new Date(startsAt.getTime() + minutes * 60_000);
          data.endsAt = endsAt.toISOString();
        }
      }
      if (context.action === 'create' && (!startsAt || !endsAt)) {
        throw new errors.ValidationError(
          'startsAt is required, and endsAt unless a service gives the duration'
        );
      }
      if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
        throw new errors.ValidationError('endsAt must be after startsAt');
      }
    }
    return next();
  };
};
