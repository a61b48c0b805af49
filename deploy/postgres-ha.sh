#!/usr/bin/env bash
# A PostgreSQL 15 primary with a streaming standby and synchronous replication, beside (never instead of) the
# server on 5432: node a on 5442, node b on 5443 (Debian clusters 15/sandbox-a and 15/sandbox-b).
#   bash deploy/postgres-ha.sh start     installs PostgreSQL when missing; creates a (primary, with the three service
#                                        databases) and b (a standby streaming from a), waits until b is synchronous
#   bash deploy/postgres-ha.sh status    which node is primary, and the replication state
#   bash deploy/postgres-ha.sh promote   promotes the standby (after the primary is lost)
#   bash deploy/postgres-ha.sh rejoin    rebuilds the old primary as a standby of the new one, synchronous again
#   bash deploy/postgres-ha.sh drill     commits rows one by one, kills the primary with SIGKILL mid-stream, promotes
#                                        the standby and checks that every acknowledged row is there
#   bash deploy/postgres-ha.sh stop      stops both nodes (data kept)
# A commit returns only once the standby has flushed its WAL (synchronous_commit = on with
# synchronous_standby_names = ANY 1 (sandbox_a, sandbox_b): the node that is not primary), so a write that a service
# acknowledged survives the loss of the primary. The services name both nodes and let Npgsql find the primary:
#   ConnectionStrings__Postgres="Host=127.0.0.1:5442,127.0.0.1:5443;Target Session Attributes=primary;Database=incident_claims;Username=sandbox;Password=sandbox;SSL Mode=Disable"
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=postgres-ha
# shellcheck source=deploy/dependencies.sh
source deploy/dependencies.sh

VERSION=15
REPLICATOR_PASSWORD=${SANDBOX_REPLICATOR_PASSWORD:-replicator}
declare -A PORT=([a]=5442 [b]=5443)
other() { if [ "$1" = a ]; then echo b; else echo a; fi; }
datadir() { echo "/var/lib/postgresql/$VERSION/sandbox-$1"; }
exists() { pg_lsclusters -h | awk '{print $2}' | grep -qx "sandbox-$1"; }
online() { pg_lsclusters -h | awk -v c="sandbox-$1" '$2 == c && $4 ~ /online/' | grep -q .; }
sql() { local node=$1; shift; as_root su postgres -c "psql -p ${PORT[$node]} -v ON_ERROR_STOP=1 -qtAX $(printf '%q ' "$@")"; }
is_primary() { online "$1" && [ "$(sql "$1" -c 'select pg_is_in_recovery()')" = f ]; }
primary() { for n in a b; do if is_primary "$n"; then echo "$n"; return; fi; done; }

configure() { # node
  as_root tee "/etc/postgresql/$VERSION/sandbox-$1/conf.d/sandbox-ha.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
max_connections = 300
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
synchronous_commit = on
# The other node, whichever is primary (a node is never its own standby).
synchronous_standby_names = 'ANY 1 (sandbox_a, sandbox_b)'
shared_buffers = 256MB
CONF
}

standby_of() { # node primary: writes what makes node stream from primary, under its own application name
  local node=$1 from=$2 dir
  dir=$(datadir "$node")
  as_root su postgres -c "cat >> $dir/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=127.0.0.1 port=${PORT[$from]} user=replicator password=$REPLICATOR_PASSWORD application_name=sandbox_$node'
primary_slot_name = 'sandbox_$node'
CONF
  as_root su postgres -c "touch $dir/standby.signal"
}

base_backup() { # node primary: replaces node's data with a fresh copy of primary's, as its standby
  local node=$1 from=$2 dir
  dir=$(datadir "$node")
  if online "$node"; then as_root pg_ctlcluster "$VERSION" "sandbox-$node" stop -m fast || true; fi
  sql "$from" -c "select pg_drop_replication_slot('sandbox_$node') from pg_replication_slots where slot_name = 'sandbox_$node'" >/dev/null
  sql "$from" -c "select pg_create_physical_replication_slot('sandbox_$node')" >/dev/null
  as_root rm -rf "$dir"
  log "copying node $from into node $node (pg_basebackup)"
  as_root su postgres -c "PGPASSWORD=$REPLICATOR_PASSWORD pg_basebackup -h 127.0.0.1 -p ${PORT[$from]} -U replicator -D $dir -X stream -c fast"
  # The copy carries the primary's auto.conf; drop its replication settings before adding the standby's own.
  as_root su postgres -c "sed -i '/^primary_conninfo\|^primary_slot_name\|^synchronous_standby_names/d' $dir/postgresql.auto.conf"
  standby_of "$node" "$from"
  as_root pg_ctlcluster "$VERSION" "sandbox-$node" start
  wait_for "node $node" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p ${PORT[$node]}"
  wait_for "node $node to stream" replicating "$from" "$node" "'streaming'"
}

# replicating primary standby STATES: the standby's replication (state, or sync_state) is one of STATES (SQL list).
replicating() {
  local column=state
  case "$3" in *quorum*) column=sync_state ;; esac
  [ "$(sql "$1" -c "select count(*) from pg_stat_replication where application_name = 'sandbox_$2' and $column in ($3)")" = 1 ]
}

synchronous() { # primary standby: commits on primary wait for standby from now on
  sql "$1" -c "alter system reset synchronous_standby_names" -c "select pg_reload_conf()" >/dev/null
  wait_for "node $2 to replicate synchronously" replicating "$1" "$2" "'sync', 'quorum'"
}

start() {
  if [ ! -x "/usr/lib/postgresql/$VERSION/bin/postgres" ]; then apt_install "postgresql-$VERSION"; fi
  if ! exists a; then
    log "creating node a (primary) on ${PORT[a]}"
    as_root pg_createcluster "$VERSION" sandbox-a --port "${PORT[a]}" >/dev/null
    configure a
  fi
  if ! online a; then as_root pg_ctlcluster "$VERSION" sandbox-a start; fi
  if ! exists b; then
    as_root pg_createcluster "$VERSION" sandbox-b --port "${PORT[b]}" >/dev/null
    configure b
  fi
  wait_for "node a" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p ${PORT[a]}"
  local p
  p=$(primary)
  [ -n "$p" ] || { log "neither node is a primary: run $0 promote"; return 1; }
  if [ "$(sql "$p" -c "select 1 from pg_roles where rolname = 'replicator'")" != 1 ]; then
    # Until the standby is there, a commit would wait for it: the set-up runs without synchronous commit.
    sql "$p" -c "alter system set synchronous_standby_names = ''" -c "select pg_reload_conf()" >/dev/null
    sql "$p" -c "create role replicator replication login password '$REPLICATOR_PASSWORD'"
    sql "$p" -c "create role \"$SANDBOX_DB_USER\" login createdb password '$SANDBOX_DB_PASSWORD'"
    sql "$p" -c "grant pg_signal_backend to \"$SANDBOX_DB_USER\"" >/dev/null
    for db in "${SANDBOX_DATABASES[@]}"; do sql "$p" -c "create database \"$db\" owner \"$SANDBOX_DB_USER\""; done
  fi
  local s
  s=$(other "$p")
  if ! online "$s" || ! replicating "$p" "$s" "'streaming'"; then
    if ! online "$s" || [ "$(sql "$s" -c 'select pg_is_in_recovery()')" != t ]; then
      sql "$p" -c "alter system set synchronous_standby_names = ''" -c "select pg_reload_conf()" >/dev/null
      base_backup "$s" "$p"
    fi
  fi
  synchronous "$p" "$s"
  log "node $p (port ${PORT[$p]}) is primary, node $s (port ${PORT[$s]}) a synchronous standby"
}

status() {
  for n in a b; do
    if online "$n"; then
      echo "node $n, port ${PORT[$n]}: $( [ "$(sql "$n" -c 'select pg_is_in_recovery()')" = f ] && echo primary || echo standby)"
    else
      echo "node $n, port ${PORT[$n]}: down"
    fi
  done
  local p; p=$(primary)
  if [ -n "$p" ]; then sql "$p" -c "select application_name, state, sync_state from pg_stat_replication"; fi
}

promote() {
  local s=""
  for n in a b; do if online "$n" && [ "$(sql "$n" -c 'select pg_is_in_recovery()')" = t ]; then s=$n; fi; done
  [ -n "$s" ] || { log "no standby to promote"; return 1; }
  if is_primary "$(other "$s")"; then log "node $(other "$s") is still a running primary: stop it first"; return 1; fi
  log "promoting node $s"
  as_root pg_ctlcluster "$VERSION" "sandbox-$s" promote
  wait_for "node $s to leave recovery" is_primary "$s"
  # Alone, the new primary would wait for ever for a standby: it acknowledges on its own until rejoin.
  sql "$s" -c "alter system set synchronous_standby_names = ''" -c "select pg_reload_conf()" >/dev/null
  log "node $s (port ${PORT[$s]}) is primary; commits are not replicated until: $0 rejoin"
}

rejoin() {
  local p; p=$(primary)
  [ -n "$p" ] || { log "no primary"; return 1; }
  base_backup "$(other "$p")" "$p"
  synchronous "$p" "$(other "$p")"
  log "node $(other "$p") is a synchronous standby of node $p again"
}

at_least() { [ "$(wc -l <"$2")" -ge "$1" ]; }

drill() {
  start
  local p s acked found pid
  p=$(primary); s=$(other "$p")
  sql "$p" -c "drop database if exists ha_drill" -c "create database ha_drill"
  as_root su postgres -c "psql -p ${PORT[$p]} -d ha_drill -qc 'create table acknowledged (id int primary key)'"
  acked=$(mktemp)
  (
    i=0
    # Each insert is its own transaction; its id is recorded only after PostgreSQL acknowledged the commit.
    while as_root su postgres -c "psql -p ${PORT[$p]} -d ha_drill -qc 'insert into acknowledged values ($i)'" 2>/dev/null; do
      echo "$i" >>"$acked"; i=$((i + 1))
    done
  ) &
  local writer=$!
  wait_for "the first acknowledged writes" at_least 200 "$acked"
  pid=$(as_root head -n1 "$(datadir "$p")/postmaster.pid")
  log "killing the primary, node $p (postmaster $pid), with SIGKILL after $(wc -l <"$acked") acknowledged commits"
  as_root kill -9 "$pid"
  wait "$writer" || true
  promote
  found=$(as_root su postgres -c "psql -p ${PORT[$s]} -d ha_drill -qtAc 'select count(*) from acknowledged where id <= $(tail -n1 "$acked")'")
  log "acknowledged $(wc -l <"$acked"), found $found on the promoted node $s"
  [ "$found" -eq "$(wc -l <"$acked")" ] || { log "LOST $(( $(wc -l <"$acked") - found )) acknowledged commits"; return 1; }
  # The killed node's processes are gone; let the Debian wrapper notice before it is rebuilt.
  as_root pg_ctlcluster "$VERSION" "sandbox-$p" stop -m immediate >/dev/null 2>&1 || true
  rejoin
  sql "$s" -c "drop database ha_drill"
  log "drill passed: no acknowledged commit lost"
}

stop() {
  for n in a b; do if online "$n"; then log "stopping node $n"; as_root pg_ctlcluster "$VERSION" "sandbox-$n" stop -m fast; fi; done
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  promote) promote ;;
  rejoin) rejoin ;;
  drill) drill ;;
  stop) stop ;;
  *) echo "usage: $0 start|status|promote|rejoin|drill|stop" >&2; exit 2 ;;
esac
