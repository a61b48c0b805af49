#!/usr/bin/env bash
# Continuous WAL archiving, base backups and point-in-time restore for a PostgreSQL 15 cluster of this machine,
# with PostgreSQL's own tools (archive_command, pg_basebackup, restore_command, recovery_target_time).
# A cluster is named by its port. Backups live under $SANDBOX_BACKUP_ROOT (default /var/lib/postgresql/sandbox-backups),
# one folder per source port: archive/ (WAL segments) and base/<UTC time>/ (base.tar.gz, pg_wal.tar.gz).
#
#   bash deploy/postgres-backup.sh enable [PORT]           archive every WAL segment of the cluster on PORT (default 5432)
#                                                          from now on (archive_mode needs one restart, done here only
#                                                          when the setting changes; archive_timeout 60 s)
#   bash deploy/postgres-backup.sh base [PORT]             a base backup of that cluster, with the WAL it needs
#   bash deploy/postgres-backup.sh list [PORT]             the base backups and the archive's extent
#   bash deploy/postgres-backup.sh restore PORT NEW_PORT [TIME]
#                                                          a fresh cluster on NEW_PORT from the latest base backup of PORT
#                                                          taken before TIME, replaying the archived WAL up to TIME (an
#                                                          instant PostgreSQL parses, e.g. '2026-12-01 23:10:00+00'), or
#                                                          to the end of the archive; promoted when it gets there
#   bash deploy/postgres-backup.sh drop NEW_PORT           stops and removes a restored (or scratch) cluster
#   bash deploy/postgres-backup.sh scratch PORT            an empty cluster on PORT with the service user, archiving on:
#                                                          what the tests back up and restore (never the main 5432)
#
# What a restore loses at most: what was committed after TIME, and with no TIME what was not yet archived (a segment
# is archived when full or after archive_timeout). Against the loss of the primary alone, the synchronous standby of
# deploy/postgres-ha.sh loses nothing acknowledged; the archive is for losing both, or for going back before a
# harmful change.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=postgres-backup
# shellcheck source=deploy/dependencies.sh
source deploy/dependencies.sh

VERSION=15
BACKUP_ROOT=${SANDBOX_BACKUP_ROOT:-/var/lib/postgresql/sandbox-backups}

cluster_of() { pg_lsclusters -h | awk -v p="$1" '$1 == "'$VERSION'" && $3 == p {print $2}'; }
online() { pg_lsclusters -h | awk -v p="$1" '$3 == p && $4 ~ /online/' | grep -q .; }
sql() { local port=$1; shift; as_root su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtAX $(printf '%q ' "$@")"; }
need_cluster() { [ -n "$(cluster_of "$1")" ] || { log "no PostgreSQL $VERSION cluster listens on port $1"; exit 1; }; }
archive_dir() { echo "$BACKUP_ROOT/$1/archive"; }

enable() {
  local port=${1:-5432} cluster dir conf
  need_cluster "$port"
  cluster=$(cluster_of "$port")
  dir=$(archive_dir "$port")
  as_root install -d -o postgres -g postgres -m 700 "$BACKUP_ROOT" "$BACKUP_ROOT/$port" "$dir" "$BACKUP_ROOT/$port/base"
  conf="/etc/postgresql/$VERSION/$cluster/conf.d/sandbox-archive.conf"
  # A segment is copied under a temporary name and renamed, so the archive never holds a partial one; an existing
  # segment is never overwritten (PostgreSQL retries until the operator looks).
  local wanted
  wanted=$(cat <<CONF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $dir/%f && cp %p $dir/%f.partial && mv $dir/%f.partial $dir/%f'
archive_timeout = 60
CONF
)
  if [ "$(as_root cat "$conf" 2>/dev/null || true)" != "$wanted" ]; then
    printf '%s\n' "$wanted" | as_root tee "$conf" >/dev/null
    log "archiving the WAL of port $port into $dir (restarting the cluster once)"
    as_root pg_ctlcluster "$VERSION" "$cluster" restart
    wait_for "port $port" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p $port"
  fi
  [ "$(sql "$port" -c 'show archive_mode')" = on ] || { log "archive_mode is not on for port $port"; exit 1; }
}

base() {
  local port=${1:-5432} target started
  need_cluster "$port"
  [ "$(sql "$port" -c 'show archive_mode')" = on ] || { log "archiving is off on port $port: run $0 enable $port first"; exit 1; }
  started=$(date -u +%Y%m%dT%H%M%SZ)
  target="$BACKUP_ROOT/$port/base/$started"
  log "base backup of port $port into $target"
  as_root su postgres -c "pg_basebackup -p $port -D $target -F tar -z -X stream -c fast --label sandbox-$started"
  # The instant the backup became consistent: a restore to an earlier TIME needs an earlier base backup.
  sql "$port" -c "select pg_switch_wal()" >/dev/null
  date -u +%Y-%m-%dT%H:%M:%SZ | as_root tee "$target/finished_at" >/dev/null
  echo "$target"
}

list() {
  local port=${1:-5432} dir
  dir=$(archive_dir "$port")
  for b in "$BACKUP_ROOT/$port"/base/*/; do
    [ -d "$b" ] || continue
    echo "base $(basename "$b") consistent at $(cat "$b/finished_at" 2>/dev/null || echo '?') ($(du -sh "$b" | cut -f1))"
  done
  echo "archive: $(find "$dir" -maxdepth 1 -type f ! -name '*.partial' 2>/dev/null | wc -l) segments in $dir"
}

restore() {
  local port=${1:?usage: restore PORT NEW_PORT [TIME]} new_port=${2:?usage: restore PORT NEW_PORT [TIME]} time=${3:-}
  local cluster="restore-$new_port" datadir backup="" b started
  [ -z "$(cluster_of "$new_port")" ] || { log "port $new_port is taken by cluster $(cluster_of "$new_port"): $0 drop $new_port"; exit 1; }
  # Everything committed so far goes to the archive before replaying it (when the source still runs).
  if online "$port"; then
    local closed
    closed=$(sql "$port" -c "select pg_walfile_name(pg_switch_wal())")
    wait_for "segment $closed in the archive" as_root test -f "$(archive_dir "$port")/$closed"
  fi
  for b in "$BACKUP_ROOT/$port"/base/*/; do
    [ -f "$b/finished_at" ] || continue
    if [ -z "$time" ] || [ "$(date -u -d "$(cat "$b/finished_at")" +%s)" -le "$(date -u -d "$time" +%s)" ]; then backup=${b%/}; fi
  done
  [ -n "$backup" ] || { log "no base backup of port $port was consistent before ${time:-now}"; exit 1; }
  started=$SECONDS
  log "restoring $backup into a new cluster on port $new_port${time:+, up to $time}"
  as_root pg_createcluster "$VERSION" "$cluster" --port "$new_port" >/dev/null
  datadir="/var/lib/postgresql/$VERSION/$cluster"
  as_root su postgres -c "rm -rf $datadir/* && tar -xzf $backup/base.tar.gz -C $datadir && tar -xzf $backup/pg_wal.tar.gz -C $datadir/pg_wal"
  as_root tee "/etc/postgresql/$VERSION/$cluster/conf.d/sandbox-restore.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
max_connections = 300
restore_command = 'cp $(archive_dir "$port")/%f %p'
${time:+recovery_target_time = '$time'}
recovery_target_action = 'promote'
CONF
  as_root su postgres -c "touch $datadir/recovery.signal"
  as_root pg_ctlcluster "$VERSION" "$cluster" start
  wait_for "the restored cluster to finish recovery" promoted "$new_port"
  log "restored port $port into port $new_port in $((SECONDS - started)) s"
}

promoted() { online "$1" && [ "$(sql "$1" -c 'select pg_is_in_recovery()')" = f ]; }

drop() {
  local port=${1:?usage: drop PORT} cluster
  [ "$port" != 5432 ] || { log "refusing to drop the main cluster"; exit 1; }
  cluster=$(cluster_of "$port")
  [ -n "$cluster" ] || return 0
  log "dropping cluster $cluster (port $port)"
  as_root pg_dropcluster --stop "$VERSION" "$cluster"
}

scratch() {
  local port=${1:?usage: scratch PORT}
  [ "$port" != 5432 ] || { log "the scratch cluster never replaces the main one"; exit 1; }
  if [ ! -x "/usr/lib/postgresql/$VERSION/bin/postgres" ]; then apt_install "postgresql-$VERSION"; fi
  drop "$port"
  as_root rm -rf "${BACKUP_ROOT:?}/$port"
  as_root pg_createcluster "$VERSION" "scratch-$port" --port "$port" >/dev/null
  as_root tee "/etc/postgresql/$VERSION/scratch-$port/conf.d/sandbox.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
max_connections = 300
CONF
  as_root pg_ctlcluster "$VERSION" "scratch-$port" start
  wait_for "port $port" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p $port"
  sql "$port" -c "create role \"$SANDBOX_DB_USER\" login createdb password '$SANDBOX_DB_PASSWORD'"
  enable "$port"
  log "scratch cluster on port $port, archiving on"
}

case "${1:-}" in
  enable) enable "${2:-}" ;;
  base) base "${2:-}" ;;
  list) list "${2:-}" ;;
  restore) restore "${2:-}" "${3:-}" "${4:-}" ;;
  drop) drop "${2:-}" ;;
  scratch) scratch "${2:-}" ;;
  *) echo "usage: $0 enable [PORT] | base [PORT] | list [PORT] | restore PORT NEW_PORT [TIME] | drop PORT | scratch PORT" >&2; exit 2 ;;
esac
