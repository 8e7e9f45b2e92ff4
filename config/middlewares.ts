export default [
  'global::request-log',
  'strapi::errors',
  // /metrics and /ready for operators.
  'global::ops',
  // Retell's webhook, the hot path, is served here, before the rest of the stack (see the middleware).
  'plugin::retell.webhook-ingest',
  // Per-client limits on the REST API, counted in Redis.
  'global::rate-limit',
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
