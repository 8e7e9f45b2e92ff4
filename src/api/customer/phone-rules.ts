import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { countryOf, toE164 } from '../../domain/phone';
import { paramsOf, type DocumentMiddleware } from '../../support/documents';
import { onModel } from '../../support/knex';
import { currentScope, COMPANY_UID } from '../../tenancy';
import type { Language } from '../../domain/speech';

/**
 * Phone numbers are stored in E.164, whoever writes them (the admin, the REST API, the phone
 * agent): typed the way people type them ("030 5550 1234", "0170/1234567", "+49 (0)30 …"),
 * they are read in the company's country (from its own number; Germany by default). A number
 * that cannot be one is refused with a sentence at the field, in the company's language.
 */
const PHONE_FIELDS: Record<string, string[]> = {
  'api::customer.customer': ['phone'],
  [COMPANY_UID]: ['phoneNumber', 'forwardingNumber'],
};
const INVALID: Record<Language, string> = {
  de: 'Die Telefonnummer ist ungültig.',
  en: 'The phone number is invalid.',
};

type CompanyRow = { phone_number: string | null; language: string | null };

export const createPhoneRules = (strapi: Core.Strapi): DocumentMiddleware => {
  const companyRow = async (where: Record<string, unknown>) =>
    onModel<CompanyRow | undefined>(strapi, COMPANY_UID, (query) =>
      query.select('phone_number', 'language').where(where).first()
    );

  /** The company whose country and language apply to this write. */
  const companyOf = async (
    uid: string,
    data: Record<string, unknown>,
    documentId: string | undefined
  ): Promise<CompanyRow | undefined> => {
    if (uid === COMPANY_UID)
      return documentId
        ? companyRow({ document_id: documentId })
        : {
            phone_number: null,
            language: typeof data.language === 'string' ? data.language : null,
          };
    const scope = await currentScope();
    if (scope?.kind === 'company') return companyRow({ id: scope.companyId });
    if (typeof data.company === 'number') return companyRow({ id: data.company });
    if (!documentId) return undefined;
    const own = await onModel<{ company_id: number | null } | undefined>(strapi, uid, (query) =>
      query.select('company_id').where('document_id', documentId).first()
    );
    return own?.company_id ? companyRow({ id: own.company_id }) : undefined;
  };

  return async (context, next) => {
    const fields = PHONE_FIELDS[context.uid];
    const action = context.action;
    if (!fields || (action !== 'create' && action !== 'update' && action !== 'clone'))
      return next();
    const params = paramsOf(context);
    const data = params.data ?? {};
    let company: CompanyRow | undefined | null = null;
    for (const field of fields) {
      const value = data[field];
      if (typeof value !== 'string') continue;
      // Blank: the company's own numbers are optional (none), a customer's is not (invalid).
      if (value.trim() === '' && context.uid === COMPANY_UID) {
        data[field] = null;
        continue;
      }
      if (company === null) company = await companyOf(context.uid, data, params.documentId);
      const country = countryOf(
        typeof data.phoneNumber === 'string' ? data.phoneNumber : company?.phone_number
      );
      const normalised = value.trim() === '' ? null : toE164(value, country);
      if (!normalised) {
        const message = INVALID[company?.language === 'en' ? 'en' : 'de'];
        throw new errors.ValidationError(message, {
          errors: [{ path: [field], message, name: 'ValidationError' }],
        });
      }
      data[field] = normalised;
    }
    return next();
  };
};
