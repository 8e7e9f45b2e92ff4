#!/usr/bin/env bash
# The one command to try Frontdesk locally: install, configure, build, seed the demo tenant,
# start the product on SQLite + the local Redis, and print the admin login.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules/@strapi/strapi ] || npm ci --no-audit --no-fund
node scripts/setup-env.js
scripts/ensure-services.sh redis || echo "[demo] Redis is not available: calls are still accepted and queued once it is."

PORT=$(sed -n 's/^PORT=//p' .env | tail -n1); PORT=${PORT:-1337}
mkdir -p data
echo "[demo] building server and admin panel (about a minute)…"
npx strapi build --silent
LOG_LEVEL=error node dist/scripts/seed-demo.js > /tmp/frontdesk-seed.$$ 2>&1 || { cat /tmp/frontdesk-seed.$$; exit 1; }

# The production start: a supervisor that keeps the app's process alive (on SQLite: one process).
node dist/scripts/start.js &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' INT TERM EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:${PORT}/_health" >/dev/null 2>&1 && break; sleep 1; done

cat <<BANNER

  Frontdesk is running — admin panel: http://localhost:${PORT}/admin
$(sed 's/^/  /' /tmp/frontdesk-seed.$$)
  Try a phone call without Retell:  npm run simulate:call   (in another terminal)
  Stop with Ctrl+C.

BANNER
rm -f /tmp/frontdesk-seed.$$
wait $server
