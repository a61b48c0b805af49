#!/usr/bin/env bash
# The fault suite's cluster form (deploy/fault-suite.sh --cluster; docs/Cluster.md, docs/Benchmarks.md). Starts
# (idempotently) the three-node RabbitMQ cluster (deploy/rabbitmq-cluster.sh) and the PostgreSQL primary with its
# synchronous standby (deploy/postgres-ha.sh), runs two replicas of each service on them (ports 5101/5111, 5102/5112,
# 5103/5113), and drives a load through all three services: harm reports retried with the same Idempotency-Key until
# answered, and scenario workers that establish regimes, submit and approve applications, register AI systems,
# release and deploy versions, report incidents, triage them, and record and sign commission conclusions whose
# suspension flows back (participation suspended, then its deployment). Meanwhile, one after another:
#   kill -9 of one replica of each service, restarted      stop of the broker node leading the queues, started again
#   kill -9 of the PostgreSQL primary, the standby promoted  the old primary rebuilt as the new one's standby (rejoin)
# The checker (tests/Benchmarks ClusterFaults) then proves on the promoted primary that no acknowledged write was lost,
# nothing was applied twice, every ordered consumer applied each stream's events in version order, no message went to
# an _error queue, and prints the counts and, per fault, the longest time without an answer. Exit 0 only when all hold.
#   deploy/fault-suite-cluster.sh [--runs 1] [--seconds 40] [--reporters 4] [--scenarios 3]
# --runs N repeats the load, the faults and the check N times on the same services (started once) and exits 0 only
# when every run passed.
# Never touches PostgreSQL on 5432 or RabbitMQ on 5672. Stops the services it started; the cluster keeps running
# (stop it with deploy/rabbitmq-cluster.sh stop and deploy/postgres-ha.sh stop). Each run ends with the other
# PostgreSQL node as primary, synchronous again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=deploy/dependencies.sh
source deploy/dependencies.sh
# shellcheck source=deploy/launch.sh
source deploy/launch.sh
LOG_TAG=cluster-faults

seconds=40 reporters=4 scenarios=3 runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --reporters) reporters=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds N] [--reporters N] [--scenarios N]" >&2; exit 2 ;;
  esac
done

export RateLimits__intake__PermitsPerSecond=${RateLimits__intake__PermitsPerSecond:-1000000}
export RateLimits__intake__Burst=${RateLimits__intake__Burst:-1000000}
export RateLimits__lists__PermitsPerSecond=${RateLimits__lists__PermitsPerSecond:-1000000}
export RateLimits__lists__Burst=${RateLimits__lists__Burst:-1000000}
# Both PostgreSQL nodes (Npgsql connects to the primary) and every broker node (MassTransit and the outbox move on).
# A connect timeout of 30 s (Npgsql's default is 15) for a machine whose CPU is shared.
export SANDBOX_PG_SERVER="Host=127.0.0.1:5442,127.0.0.1:5443;Target Session Attributes=primary;Timeout=30"
export SANDBOX_MQ_SERVER=127.0.0.1:5681
export RabbitMq__Nodes=127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683
export SANDBOX_BENCH_POSTGRES="$SANDBOX_PG_SERVER;Username=$SANDBOX_DB_USER;Password=$SANDBOX_DB_PASSWORD;Database=postgres;SSL Mode=Disable"
export SANDBOX_BENCH_RABBIT_API=http://127.0.0.1:15681/

declare -A PORTS=([SandboxApplications]=5101 [AiSystemRegistry]=5102 [IncidentClaims]=5103)
declare -A DATABASES=([SandboxApplications]=sandbox_applications [AiSystemRegistry]=ai_system_registry [IncidentClaims]=incident_claims)
declare -A CODES=([SandboxApplications]=SA [AiSystemRegistry]=REG [IncidentClaims]=IC)
SERVICES=(SandboxApplications AiSystemRegistry IncidentClaims)

work=$(mktemp -d)
load_pid="" sampler_pid="" started_services=()
cleanup() {
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
  local instance pid
  for instance in "${started_services[@]}"; do
    pid=$(cat ".run/pids/$instance.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f ".run/pids/$instance.pid"
  done
  rm -rf "$work"
}
trap cleanup EXIT

for svc in "${SERVICES[@]}"; do
  for port in "${PORTS[$svc]}" $((PORTS[$svc] + 10)); do
    if port_open "$port"; then log "port $port is in use (deploy/down.sh stops services started by up.sh)"; exit 1; fi
  done
done

bash deploy/rabbitmq-cluster.sh start
bash deploy/postgres-ha.sh start
for p in "${SERVICES[@]}"; do
  [ -f "services/$p/bin/Release/net10.0/$p.dll" ] || dotnet build "services/$p" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
done
[ -f tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll ] || dotnet build tests/Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
tool() { SANDBOX_ROOT="$root" dotnet tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll "$@"; }
ready() { curl -fsS -m 10 "http://127.0.0.1:$1/health/ready" >/dev/null; }
now_ms() { date +%s%3N; }

start_instance() { # service replica(1|2)
  local name=$1 k=$2 port instance
  port=$((PORTS[$name] + 10 * (k - 1))); instance=$name; [ "$k" -gt 1 ] && instance=$name-$k
  launch_service "$name" "$port" "${DATABASES[$name]}" "$instance"
  date +%s >"$work/launched-$instance"
  printf '%s\n' "${started_services[@]}" | grep -qx "$instance" || started_services+=("$instance")
}
# Ready, or started again as a supervisor would (Kubernetes' startup probe, deploy/k8s): when its process exited first
# (a replica that cannot reach the primary within Npgsql's connect timeout while it applies the schema at start exits;
# so does one whose bus did not start within RabbitMq:StartTimeout), or when it is still not ready STARTUP_LIMIT
# seconds after its launch; for up to 10 minutes in all.
STARTUP_LIMIT=${STARTUP_LIMIT:-240}
up_or_relaunched() {
  local name=$1 k=$2 port=$3 instance=$4 pid why
  ready "$port" && return 0
  pid=$(cat ".run/pids/$instance.pid")
  if ! kill -0 "$pid" 2>/dev/null; then
    why="exited before it was ready"
  elif [ $(($(date +%s) - $(cat "$work/launched-$instance"))) -ge "$STARTUP_LIMIT" ]; then
    why="not ready ${STARTUP_LIMIT}s after its launch, killed"
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  else
    return 1
  fi
  # (wait_for silences this function: what happened is reported at the end of the run, the log is the instance's)
  echo "$instance ($why, .run/logs/$instance.log)" >>"$work/relaunched"
  start_instance "$name" "$k"
  return 1
}
wait_instance() {
  local name=$1 k=$2 port instance
  port=$((PORTS[$name] + 10 * (k - 1))); instance=$name; [ "$k" -gt 1 ] && instance=$name-$k
  if ! DEPENDENCY_TIMEOUT=600 wait_for "$name replica $k /health/ready" up_or_relaunched "$name" "$k" "$port" "$instance"; then
    log "$name replica $k is not ready: $(curl -sS -m 10 "http://127.0.0.1:$port/health/ready" 2>&1 || true)"
    return 1
  fi
}

# The first replicas apply the schema; the second ones start once they are ready.
mkdir -p .run/logs .run/pids
for svc in "${SERVICES[@]}"; do start_instance "$svc" 1; done
for svc in "${SERVICES[@]}"; do wait_instance "$svc" 1; done
for svc in "${SERVICES[@]}"; do start_instance "$svc" 2; done
for svc in "${SERVICES[@]}"; do wait_instance "$svc" 2; done
log "two replicas of each service are ready"

fault() { echo "$1 $2 $(now_ms) $3" >>"$work/timeline"; }

kill_replica() { # service: SIGKILL of replica 1 (started first, it most likely runs the async daemon: the outbox must move)
  local name=$1 pid t
  pid=$(cat ".run/pids/$name.pid")
  t=$(now_ms)
  log "kill -9 $name replica 1 (pid $pid)"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  start_instance "$name" 1
  # The other replica serves meanwhile; the restart is awaited in the background (a start takes minutes on a loaded
  # machine), and the fault ends when the killed replica is ready again.
  ( wait_instance "$name" 1 && fault "kill-$name" "$t" "${CODES[$name]}" && log "$name replica 1 restarted and ready" ) &
  restarts+=($!)
}

stop_leader() {
  local n t
  n=$(bash deploy/rabbitmq-cluster.sh leader)
  t=$(now_ms)
  log "stopping broker node $n, which leads the services' queues"
  bash deploy/rabbitmq-cluster.sh stop-node "$n"
  sleep 10
  bash deploy/rabbitmq-cluster.sh start-node "$n"
  fault "broker-node-$n" "$t" SA,REG,IC
  log "broker node $n is back; queues now led by node $(bash deploy/rabbitmq-cluster.sh leader || echo '?')"
}

failover() {
  local p pid t dir
  p=$(bash deploy/postgres-ha.sh status | awk '/primary/ {print $2; exit}' | tr -d ,)
  dir=/var/lib/postgresql/15/sandbox-$p
  pid=$(as_root head -n1 "$dir/postmaster.pid")
  t=$(now_ms)
  log "kill -9 of the PostgreSQL primary, node $p (postmaster $pid); promoting the standby"
  as_root kill -9 "$pid"
  bash deploy/postgres-ha.sh promote
  fault "postgres-promote" "$t" SA,REG,IC
  sleep 15
  as_root pg_ctlcluster 15 "sandbox-$p" stop -m immediate >/dev/null 2>&1 || true
  t=$(now_ms)
  bash deploy/postgres-ha.sh rejoin
  fault "postgres-rejoin" "$t" SA,REG,IC
}

one_run() { # run number
  rm -f "$work/stop" "$work/timeline" "$work/load.txt"
  ( while :; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)"; sleep 5; done ) >"$work/load-average" &
  sampler_pid=$!
  local started=$SECONDS status
  log "run $1 of $runs: load for at least ${seconds}s, $reporters reporters, $scenarios scenario workers"
  SANDBOX_ROOT="$root" dotnet tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll cluster-faults-load --out "$work/load.txt" \
    --seconds "$seconds" --reporters "$reporters" --scenarios "$scenarios" --stop-file "$work/stop" &
  load_pid=$!
  sleep 15
  restarts=()
  for svc in "${SERVICES[@]}"; do kill_replica "$svc"; sleep 15; done
  stop_leader
  local pid restarted=0
  for pid in "${restarts[@]}"; do wait "$pid" || restarted=1; done
  [ "$restarted" -eq 0 ] || log "a killed replica did not become ready again within 10 minutes: this run fails"
  sleep 5
  failover; sleep 10
  touch "$work/stop"
  log "faults done after $((SECONDS - started))s; waiting for every request to be answered and every scenario to finish"
  wait "$load_pid" || true; load_pid=""
  kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""
  if tool cluster-faults-check --in "$work/load.txt" --timeline "$work/timeline"; then status=0; else status=$?; fi
  [ "$restarted" -eq 0 ] || status=1
  awk '{print $2}' "$work/load-average" | sort -n | awk '{a[NR]=$1} END {if (NR) printf "[cluster-faults] machine load average (1 min) during the run: min %s, median %s, max %s (%d samples)\n", a[1], a[int((NR+1)/2)], a[NR], NR}'
  bash deploy/postgres-ha.sh status | head -n2 >&2
  if [ -s "$work/relaunched" ]; then log "started again by the suite (as a supervisor): $(sort "$work/relaunched" | uniq -c | tr "\n" " ")"; rm -f "$work/relaunched"; fi
  log "run $1: $( [ "$status" -eq 0 ] && echo passed || echo FAILED ) in $((SECONDS - started))s"
  return "$status"
}

failed=0
for run in $(seq 1 "$runs"); do one_run "$run" || failed=$((failed + 1)); done
log "$((runs - failed)) of $runs runs passed"
[ "$failed" -eq 0 ]
