#!/usr/bin/env bash
# Installs (Debian packages) and starts PostgreSQL and RabbitMQ when they are missing, creates the service user,
# the three databases and the broker user, and waits for both to answer. Idempotent: safe to run again.
# Sourced by up.sh and test.sh; can be run on its own.
set -euo pipefail

SANDBOX_DB_USER=${SANDBOX_DB_USER:-sandbox}
SANDBOX_DB_PASSWORD=${SANDBOX_DB_PASSWORD:-sandbox}
SANDBOX_MQ_USER=${SANDBOX_MQ_USER:-sandbox}
SANDBOX_MQ_PASSWORD=${SANDBOX_MQ_PASSWORD:-sandbox}
SANDBOX_DATABASES=(sandbox_applications ai_system_registry incident_claims)
DEPENDENCY_TIMEOUT=${DEPENDENCY_TIMEOUT:-90}
SANDBOX_PG_MAX_CONNECTIONS=${SANDBOX_PG_MAX_CONNECTIONS:-500}

log() { printf '[%s] %s\n' "${LOG_TAG:-deps}" "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # description, command...
  local what=$1; shift
  local deadline=$((SECONDS + DEPENDENCY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out after ${DEPENDENCY_TIMEOUT}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

psql_admin() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qtAX $(printf '%q ' "$@")"; }

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
  fi
  if ! port_open 5432; then
    local cluster version
    cluster=$(pg_lsclusters -h 2>/dev/null | head -n1 || true)
    if [ -z "$cluster" ]; then
      version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
      log "creating PostgreSQL $version cluster"
      as_root pg_createcluster "$version" main >/dev/null
      cluster=$(pg_lsclusters -h | head -n1)
    fi
    set -- $cluster
    log "starting PostgreSQL $1/$2"
    as_root pg_ctlcluster "$1" "$2" start || true
  fi
  wait_for "PostgreSQL" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432"

  # Three services (and, in tests, many of them at once) each keep a pool, the async daemon and a LISTEN connection.
  local restart=0 name
  if [ "$(psql_admin -c 'show max_connections')" -lt "$SANDBOX_PG_MAX_CONNECTIONS" ]; then
    log "raising PostgreSQL max_connections to $SANDBOX_PG_MAX_CONNECTIONS"
    psql_admin -c "alter system set max_connections = $SANDBOX_PG_MAX_CONNECTIONS"
    restart=1
  fi
  # Write-heavy services: with PostgreSQL's defaults (128 MB of buffers, a checkpoint after every 1 GB of WAL) the
  # intake's indexes outgrew the buffers and, under load, a checkpoint came every minute or so, each followed by a
  # full-page image in the WAL of every page written again. synchronous_commit stays on. (docs/Benchmarks.md)
  local -A tuned=([shared_buffers]=512MB [max_wal_size]=4GB [checkpoint_timeout]=15min)
  for name in "${!tuned[@]}"; do
    if [ "$(psql_admin -c "show $name")" != "${tuned[$name]}" ]; then
      log "setting PostgreSQL $name = ${tuned[$name]}"
      psql_admin -c "alter system set $name = '${tuned[$name]}'"
      restart=1
    fi
  done
  if [ "$restart" -eq 1 ]; then
    log "restarting PostgreSQL for its new settings"
    local running
    running=$(pg_lsclusters -h | awk '$4 == "online" {print $1, $2; exit}')
    # shellcheck disable=SC2086
    as_root pg_ctlcluster $running restart
    wait_for "PostgreSQL" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432"
  fi

  if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$SANDBOX_DB_USER'")" != "1" ]; then
    log "creating database role $SANDBOX_DB_USER"
    psql_admin -c "create role \"$SANDBOX_DB_USER\" login createdb password '$SANDBOX_DB_PASSWORD'"
  fi
  # Tests drop their databases "with (force)", which ends any session still attached to them.
  psql_admin -c "grant pg_signal_backend to \"$SANDBOX_DB_USER\"" >/dev/null
  local db
  for db in "${SANDBOX_DATABASES[@]}"; do
    if [ "$(psql_admin -c "select 1 from pg_database where datname = '$db'")" != "1" ]; then
      log "creating database $db"
      psql_admin -c "create database \"$db\" owner \"$SANDBOX_DB_USER\""
    fi
  done
}

rabbit_ready() { as_root rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; }

ensure_rabbitmq() {
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    apt_install rabbitmq-server
  fi
  if ! port_open 5672; then
    # The management plugin serves the HTTP API the tests use to make a virtual host per fixture.
    as_root rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
    if ! rabbit_ready; then
      log "starting RabbitMQ"
      as_root rabbitmq-server -detached >/dev/null 2>&1 || true
    fi
  fi
  wait_for "RabbitMQ" rabbit_ready
  wait_for "RabbitMQ on 5672" port_open 5672

  if ! as_root rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$SANDBOX_MQ_USER"; then
    log "creating broker user $SANDBOX_MQ_USER"
    as_root rabbitmqctl -q add_user "$SANDBOX_MQ_USER" "$SANDBOX_MQ_PASSWORD" >/dev/null
  fi
  as_root rabbitmqctl -q set_user_tags "$SANDBOX_MQ_USER" administrator >/dev/null
  as_root rabbitmqctl -q set_permissions -p / "$SANDBOX_MQ_USER" '.*' '.*' '.*' >/dev/null
  wait_for "RabbitMQ management API" port_open 15672
  migrate_classic_queues
}

# The services declare quorum queues (RabbitMq:QuorumQueues, on by default), and a queue's type cannot change in
# place: a broker that served an earlier build still holds their classic queues, and the services could not declare
# theirs. Empty classic queues of the services are deleted so the services declare them anew as quorum queues; one
# that still holds messages is left alone and named, for an operator to drain first (docs/Cluster.md).
migrate_classic_queues() {
  [ "${SANDBOX_MQ_QUORUM:-true}" = true ] || return 0
  local name type messages
  while IFS=$'\t' read -r name type messages; do
    case "$name" in
      *-integration-events*) ;;
      *) continue ;;
    esac
    [ "$type" = classic ] || continue
    if [ "$messages" = 0 ]; then
      log "deleting the empty classic queue $name (the services declare it as a quorum queue)"
      as_root rabbitmqctl -q delete_queue -p / "$name" >/dev/null </dev/null
    else
      log "classic queue $name still holds $messages messages: drain it before starting this build (docs/Cluster.md)"
      return 1
    fi
  done < <(as_root rabbitmqctl -q list_queues -p / name type messages --no-table-headers 2>/dev/null)
}

# The console's browser tests drive Debian's Chromium through its chromedriver; nothing downloads a browser.
ensure_browser() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return 0; fi
  apt_install chromium chromium-driver
  log "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') and its driver are installed"
}

ensure_dependencies() {
  ensure_postgres
  ensure_rabbitmq
  log "PostgreSQL and RabbitMQ are ready"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_dependencies
fi
