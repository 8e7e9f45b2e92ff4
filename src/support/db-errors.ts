import { errors } from '@strapi/utils';

/**
 * Turns constraint violations raised by the database into the 400 a client should see (the
 * constraints are the last line of defence, e.g. against two writers racing for one slot),
 * instead of Strapi's bare 500.
 */
type DbError = { code?: string; constraint?: string; message?: string };

const CONSTRAINT_MESSAGES: Record<string, string> = {
  appointments_no_overlap: 'This time overlaps another appointment of the company',
  appointments_ends_after_starts: 'endsAt must be after startsAt',
  customers_company_phone_uq: 'A customer with this phone number already exists',
  calls_retell_call_id_uq: 'A call with this retellCallId already exists',
  companies_slug_uq: 'A company with this slug already exists',
  companies_retell_agent_id_uq: 'A company with this retellAgentId already exists',
};

export const constraintOf = (error: unknown): string | null => {
  const dbError = error as DbError;
  if (!dbError || typeof dbError !== 'object') return null;
  if (dbError.code === '23505' || dbError.code === '23P01' || dbError.code === '23514') return dbError.constraint ?? 'constraint';
  if (typeof dbError.code === 'string' && dbError.code.startsWith('SQLITE_CONSTRAINT')) {
    const match = /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(dbError.message ?? '');
    return match ? `${match[1]}.${match[2]}` : 'constraint';
  }
  return null;
};

export const isConstraint = (error: unknown, name: string) => constraintOf(error) === name;

export const mapConstraintErrors = async (_ctx: unknown, next: () => Promise<unknown>) => {
  try {
    return await next();
  } catch (error) {
    const constraint = constraintOf(error);
    if (!constraint) throw error;
    throw new errors.ValidationError(CONSTRAINT_MESSAGES[constraint] ?? 'This change conflicts with existing data', {
      constraint,
    });
  }
};
