export default [
  'global::request-log',
  'strapi::errors',
  // A saturated database pool answers 503, not 500.
  'global::service-unavailable',
  // /metrics and /api/health/ready for operators.
  'global::ops',
  // Per-client limits (REST, auth routes, Retell routes), counted in Redis.
  'global::rate-limit',
  // Retell's webhook, the hot path, is served here, before the rest of the stack (see the middleware).
  'plugin::retell.webhook-ingest',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'global::body-errors',
  // The raw body stays available (Symbol.for('unparsedBody')) for Retell's signature check.
  { name: 'strapi::body', config: { includeUnparsed: true, jsonLimit: '1mb', formLimit: '1mb', textLimit: '1mb' } },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
