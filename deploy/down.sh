#!/usr/bin/env bash
# Stops the services that deploy/up.sh started (by pid file). With --deps it also stops RabbitMQ and PostgreSQL.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for pidfile in .run/pids/*.pid; do
  [ -e "$pidfile" ] || continue
  name=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "stopping $name (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
done

if [ "${1:-}" = "--deps" ]; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  echo "stopping RabbitMQ and PostgreSQL"
  as_root rabbitmqctl -q stop >/dev/null 2>&1 || true
  pg_lsclusters -h 2>/dev/null | while read -r version cluster _; do as_root pg_ctlcluster "$version" "$cluster" stop || true; done
fi
