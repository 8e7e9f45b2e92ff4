import type { Modules } from '@strapi/strapi';

/**
 * Document Service middlewares, typed as Strapi types them. A middleware sees every content
 * type's every action; `paramsOf` gives the parts of a call it reads and rewrites.
 */
export type DocumentMiddleware = Modules.Documents.Middleware.Middleware;
export type DocumentContext = Parameters<DocumentMiddleware>[0];
export type DocumentParams = {
  documentId?: string;
  data?: Record<string, unknown>;
  populate?: unknown;
  [key: string]: unknown;
};

export const paramsOf = (ctx: DocumentContext): DocumentParams => ctx.params as DocumentParams;
