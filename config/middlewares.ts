export default [
  'global::request-log',
  'strapi::errors',
  // A refusal without a body (the router's 405, say) gets the error envelope too.
  'global::error-envelope',
  // A saturated database pool answers 503, not 500.
  'global::service-unavailable',
  // /metrics and /api/health/ready for operators.
  'global::ops',
  // Per-client limits (REST, auth routes, Retell routes), counted in Redis.
  'global::rate-limit',
  // The queues' dashboard (bull-board) at /admin/queues, for super admins only.
  'global::queue-board',
  // The REST API's OpenAPI description at /admin/openapi(.json), for super admins only.
  'global::api-docs',
  // Retell's webhook, the hot path, is served here, before the rest of the stack (see the middleware).
  'plugin::retell.webhook-ingest',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'global::body-errors',
  // The raw body stays available (Symbol.for('unparsedBody')) for Retell's signature check.
  // The product takes no uploads: multipart bodies (parsed before any authentication) are capped
  // as small as the others, instead of formidable's 200 MB of files and 20 MB of fields.
  {
    name: 'strapi::body',
    config: {
      includeUnparsed: true,
      jsonLimit: '1mb',
      formLimit: '1mb',
      textLimit: '1mb',
      formidable: {
        maxFileSize: 1024 * 1024,
        maxFieldsSize: 1024 * 1024,
        maxFields: 200,
        maxFiles: 5,
      },
    },
  },
  // NUL characters and absurd nesting refused before validation and the database.
  'global::input-guard',
  // The customers' own pages behind the link in their messages (/termin/<token>).
  'global::self-service',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
