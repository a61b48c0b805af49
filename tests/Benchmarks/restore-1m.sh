#!/usr/bin/env bash
# Run as root on an otherwise idle machine: bash tests/Benchmarks/restore-1m.sh (uses scratch clusters on ports 5472 and 5473).
# Restore time of a store of 1,000,000 events: replayed from the archive (base before the events) and from a base backup taken after them.
set -euo pipefail
cd "$(dirname "$0")/../.."
P=5472
bash deploy/postgres-backup.sh scratch $P >/dev/null 2>&1
su postgres -c "psql -p $P -qc 'create database m owner sandbox'"
su postgres -c "psql -p $P -d m -qc \"create table mt_events (seq_id bigint primary key, id uuid not null unique, stream_id uuid not null, version bigint not null, data jsonb not null, type varchar not null, timestamp timestamptz not null default now(), tenant_id varchar default '*DEFAULT*', mt_dotnet_type varchar, is_archived bool default false, headers jsonb, unique (stream_id, version))\""
bash deploy/postgres-backup.sh base $P >/dev/null 2>&1
t0=$(date +%s.%N)
su postgres -c "psql -p $P -d m -qc \"insert into mt_events (seq_id, id, stream_id, version, data, type, headers) select g, gen_random_uuid(), md5((g/10)::text)::uuid, g % 10 + 1, jsonb_build_object('incidentId', gen_random_uuid(), 'title', 'Report ' || g, 'description', repeat('A delivery robot hit a parked car. ', 8), 'occurredAt', now(), 'harms', jsonb_build_array(jsonb_build_object('type','damageToPersonProperty','severity','minor','personsAffected',1))), 'harm_incident_reported', jsonb_build_object('audit', jsonb_build_object('hash', md5(g::text) || md5(g::text), 'scheme', 2)) from generate_series(1, 1000000) g\""
t1=$(date +%s.%N)
size=$(su postgres -c "psql -p $P -d m -qtAc \"select pg_size_pretty(pg_database_size('m'))\"")
echo "inserted 1,000,000 events in $(echo "$t1 - $t0" | bc) s; database $size"
for run in 1 2 3; do
  bash deploy/postgres-backup.sh drop 5473 >/dev/null 2>&1
  s=$(date +%s.%N); bash deploy/postgres-backup.sh restore $P 5473 2>&1 | tail -1; e=$(date +%s.%N)
  echo "replay run $run: $(echo "$e - $s" | bc) s; rows $(su postgres -c "psql -p 5473 -d m -qtAc 'select count(*) from mt_events'")"
done
bash deploy/postgres-backup.sh base $P >/dev/null 2>&1
for run in 1 2 3; do
  bash deploy/postgres-backup.sh drop 5473 >/dev/null 2>&1
  s=$(date +%s.%N); bash deploy/postgres-backup.sh restore $P 5473 2>&1 | tail -1; e=$(date +%s.%N)
  echo "base-after run $run: $(echo "$e - $s" | bc) s; rows $(su postgres -c "psql -p 5473 -d m -qtAc 'select count(*) from mt_events'")"
done
bash deploy/postgres-backup.sh drop 5473 >/dev/null 2>&1; bash deploy/postgres-backup.sh drop $P >/dev/null 2>&1
uptime
