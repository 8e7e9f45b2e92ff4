import { errors } from '@strapi/utils';
import type { DocumentMiddleware } from './documents';

/**
 * Turns constraint violations raised by the database into the 400 a client should see (the
 * constraints are the last line of defence, e.g. against two writers racing for one slot),
 * instead of Strapi's bare 500.
 */
type DbError = { code?: string; constraint?: string; message?: string };

const CONSTRAINT_MESSAGES: Record<string, string> = {
  appointments_company_no_overlap: 'This time overlaps another appointment of the company',
  appointments_staff_no_overlap: 'This time overlaps another appointment of this staff member',
  appointments_ends_after_starts: 'endsAt must be after startsAt',
  customers_company_phone_uq: 'A customer with this phone number already exists',
  calls_company_retell_call_id_uq: 'A call with this retellCallId already exists',
  companies_slug_uq: 'A company with this slug already exists',
  companies_retell_agent_id_uq: 'A company with this retellAgentId already exists',
};

export const constraintOf = (error: unknown): string | null => {
  const dbError = error as DbError;
  if (!dbError || typeof dbError !== 'object') return null;
  if (dbError.code === '23505' || dbError.code === '23P01' || dbError.code === '23514')
    return dbError.constraint ?? 'constraint';
  if (typeof dbError.code === 'string' && dbError.code.startsWith('SQLITE_CONSTRAINT')) {
    const match = /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(dbError.message ?? '');
    return match ? `${match[1]}.${match[2]}` : 'constraint';
  }
  return null;
};

/**
 * PostgreSQL's data exceptions (class 22: a number out of range, a malformed date or value, text
 * too long for its column) and "too deeply nested" (54001): the value the client sent cannot be
 * stored — its fault, a 400, never a 500.
 */
const isBadValue = (error: unknown) => {
  const code = (error as DbError | undefined)?.code;
  return (
    typeof code === 'string' && code.length === 5 && (code.startsWith('22') || code === '54001')
  );
};

export const mapConstraintErrors: DocumentMiddleware = async (_ctx, next) => {
  try {
    return await next();
  } catch (error) {
    if (isBadValue(error))
      throw new errors.ValidationError('A value is out of range or malformed for its field');
    const constraint = constraintOf(error);
    if (!constraint) throw error;
    throw new errors.ValidationError(
      CONSTRAINT_MESSAGES[constraint] ?? 'This change conflicts with existing data',
      {
        constraint,
      }
    );
  }
};

/** The constraint a write broke, as the 400 mapped above carries it (null for any other error). */
export const violatedConstraint = (error: unknown): string | null => {
  if (!(error instanceof errors.ValidationError)) return null;
  const details = error.details as { constraint?: unknown } | undefined;
  return typeof details?.constraint === 'string' ? details.constraint : null;
};
