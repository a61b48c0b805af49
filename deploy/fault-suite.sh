#!/usr/bin/env bash
# Fault suite (docs/Benchmarks.md): under a steady load of harm reports, each client retrying its report with the
# same Idempotency-Key until it is answered, kills a service with SIGKILL and restarts it, restarts RabbitMQ and
# restarts PostgreSQL; then the checker proves from both databases and the broker that every 201 is stored exactly
# once, every stored report's HarmIncidentReported was applied exactly once in AiSystemRegistry, no read model
# misses a report, and no message went to an _error queue. Exit code 0 when every check holds.
#   deploy/fault-suite.sh --short   about 20 s of load, one fault of each kind (the CI form; about 2-3 minutes)
#   deploy/fault-suite.sh --full    about 2 minutes of load, each service killed, broker and database twice
#   deploy/fault-suite.sh --cluster [options]   on the three-node broker and the PostgreSQL primary/standby pair, two
#                                   replicas of each service: deploy/fault-suite-cluster.sh (it never touches 5432/5672)
# Starts the services with deploy/up.sh when they are not running and stops those it started at the end;
# PostgreSQL and RabbitMQ are left running. NOTE: it restarts the local PostgreSQL and RabbitMQ, so other test runs
# on the same machine see those restarts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = --cluster ]; then exec bash deploy/fault-suite-cluster.sh "${@:2}"; fi
# shellcheck source=deploy/dependencies.sh
source deploy/dependencies.sh
# shellcheck source=deploy/launch.sh
source deploy/launch.sh
LOG_TAG=faults

form=${1:---short}
case "$form" in --short|--full) ;; *) echo "usage: $0 [--short|--full]" >&2; exit 2 ;; esac

export RateLimits__intake__PermitsPerSecond=${RateLimits__intake__PermitsPerSecond:-1000000}
export RateLimits__intake__Burst=${RateLimits__intake__Burst:-1000000}

declare -A PORTS=([SandboxApplications]=5101 [AiSystemRegistry]=5102 [IncidentClaims]=5103)
declare -A DATABASES=([SandboxApplications]=sandbox_applications [AiSystemRegistry]=ai_system_registry [IncidentClaims]=incident_claims)

running() { [ -f ".run/pids/$1.pid" ] && kill -0 "$(cat ".run/pids/$1.pid")" 2>/dev/null; }
already=1
for svc in "${!PORTS[@]}"; do running "$svc" || already=0; done

work=$(mktemp -d)
load_pid=""
cleanup() {
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  ensure_dependencies >/dev/null 2>&1 || true
  if [ "$already" -eq 0 ]; then bash deploy/down.sh || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

bash deploy/up.sh
# up.sh builds the solution (the tool included) whenever it starts a service; building again while services run
# from their Release output would overwrite their assemblies, so build only when the tool is missing.
[ -f tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll ] || dotnet build tests/Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
tool() { SANDBOX_ROOT="$root" dotnet tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll "$@"; }

ready() { curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null; }

# The same start as deploy/up.sh (deploy/launch.sh), for one service, after its process was killed.
start_service() {
  local name=$1 port=${PORTS[$1]} database=${DATABASES[$1]}
  launch_service "$name" "$port" "$database"
  DEPENDENCY_TIMEOUT=120 wait_for "$name /health/ready" ready "$port"
}

kill_service() {
  local name=$1 pid
  pid=$(cat ".run/pids/$name.pid")
  log "kill -9 $name (pid $pid)"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  start_service "$name"
  log "$name restarted and ready"
}

restart_rabbitmq() {
  log "restarting RabbitMQ"
  as_root rabbitmqctl -q stop >/dev/null 2>&1 || true
  while port_open 5672; do sleep 0.2; done
  as_root rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_for "RabbitMQ" rabbit_ready
  wait_for "RabbitMQ on 5672" port_open 5672
  wait_for "RabbitMQ management API" port_open 15672
  log "RabbitMQ is back"
}

restart_postgres() {
  local version cluster
  read -r version cluster _ < <(pg_lsclusters -h | head -n1)
  log "restarting PostgreSQL $version/$cluster (fast: open transactions are aborted)"
  as_root pg_ctlcluster "$version" "$cluster" restart
  wait_for "PostgreSQL" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432"
  log "PostgreSQL is back"
}

if [ "$form" = --short ]; then seconds=20; else seconds=120; fi
started=$SECONDS
log "load for at least ${seconds}s (form $form)"
SANDBOX_ROOT="$root" dotnet tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll \
  faults-load --out "$work/load.txt" --seconds "$seconds" --clients 16 --stop-file "$work/stop" &
load_pid=$!

sleep 4
if [ "$form" = --short ]; then
  kill_service IncidentClaims; sleep 3
  restart_rabbitmq; sleep 3
  restart_postgres; sleep 3
else
  kill_service IncidentClaims; sleep 8
  restart_rabbitmq; sleep 8
  kill_service AiSystemRegistry; sleep 8
  restart_postgres; sleep 8
  kill_service SandboxApplications; sleep 8
  restart_rabbitmq; sleep 5
  kill_service IncidentClaims; sleep 5
  restart_postgres; sleep 8
fi
touch "$work/stop"
log "faults done after $((SECONDS - started))s; waiting for every report to be answered"
wait "$load_pid" || true; load_pid=""
if tool faults-check --in "$work/load.txt"; then status=0; else status=$?; fi
log "fault suite took $((SECONDS - started))s"
exit $status
