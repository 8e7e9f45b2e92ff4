import { errors } from '@strapi/utils';

/**
 * Body-parsing failures (from koa-body / raw-body) become Strapi's error envelope with the
 * right status, instead of an unexplained error logged with the whole rejected body in it.
 */
type BodyError = Error & {
  status?: number;
  type?: string;
  expose?: boolean;
  httpCode?: unknown;
  code?: unknown;
};

/** formidable (multipart) refuses a body with an error of its own: too large, or not readable. */
const isMultipartError = (error: BodyError) =>
  typeof error?.httpCode === 'number' && typeof error?.code === 'number';

const RAW_BODY_TYPES = new Set([
  'entity.too.large',
  'request.size.invalid',
  'encoding.unsupported',
  'charset.unsupported',
  'request.aborted',
  'entity.verify.failed',
]);

export default () => async (_ctx: unknown, next: () => Promise<void>) => {
  try {
    await next();
  } catch (error) {
    const bodyError = error as BodyError;
    if (bodyError?.type && RAW_BODY_TYPES.has(bodyError.type)) {
      if (bodyError.status === 413)
        throw new errors.PayloadTooLargeError('The request body is larger than 1 MiB');
      throw new errors.ValidationError(`The request body could not be read (${bodyError.type})`);
    }
    if (bodyError instanceof SyntaxError && bodyError.status === 400)
      throw new errors.ValidationError('The request body is not valid JSON');
    if (isMultipartError(bodyError)) {
      if (bodyError.httpCode === 413)
        throw new errors.PayloadTooLargeError('The request body is larger than 1 MiB');
      throw new errors.ValidationError('The multipart body could not be read');
    }
    throw error;
  }
};
