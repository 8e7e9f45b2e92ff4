#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis when they are not running, installing them from
# Debian's packages when absent. Used by .ci/run (both) and the demo command (Redis only).
# Usage: scripts/ensure-services.sh [postgres] [redis]
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then return; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "[services] installing PostgreSQL"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-contrib >/dev/null
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  echo "[services] starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 -q || { echo "[services] PostgreSQL did not come up" >&2; exit 1; }
  # Tests connect as postgres over TCP without a password, as on this machine kind.
  if ! psql -h 127.0.0.1 -U postgres -Atc 'select 1' >/dev/null 2>&1; then
    local hba
    hba=$(as_root su postgres -c "psql -Atc 'show hba_file'")
    as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    as_root su postgres -c "psql -c 'select pg_reload_conf()'" >/dev/null
  fi
}

# The read-replica test streams from this server over loopback (pg_basebackup -R).
allow_replication() {
  local hba_file
  hba_file=$(psql -h 127.0.0.1 -U postgres -Atc 'show hba_file')
  if ! as_root grep -Eq '^host\s+replication\s+all\s+127\.0\.0\.1/32\s+trust' "$hba_file"; then
    echo "[services] allowing replication connections over loopback (for the replica test)"
    echo 'host replication all 127.0.0.1/32 trust' | as_root tee -a "$hba_file" >/dev/null
    psql -h 127.0.0.1 -U postgres -Atc 'select pg_reload_conf()' >/dev/null
  fi
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "[services] installing Redis"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
  fi
  echo "[services] starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "[services] Redis did not come up" >&2; exit 1; }
}

for service in "${@:-postgres redis}"; do
  case "$service" in
    postgres) ensure_postgres; allow_replication ;;
    redis) ensure_redis ;;
    *) echo "unknown service $service" >&2; exit 2 ;;
  esac
done
