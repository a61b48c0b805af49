#!/usr/bin/env bash
# Starts the whole system locally: PostgreSQL and RabbitMQ (installed and started when missing), then the three
# services and the web console (port 5100) in the background, each with a log in .run/logs and a pid file in .run/pids. Waits until every
# service answers /health/ready. Running it again leaves what is already running alone. Stop with deploy/down.sh.
#
#   deploy/up.sh --replicas N   runs N replicas of each service (1 to 9) on one database and one set of queues:
#                               replica k of a service on port P listens on P + 10*(k-1) (5101, 5111, 5121 ...),
#                               metrics on that port + 4000; its log and pid file are named NAME-k (the first: NAME).
set -euo pipefail
replicas=1
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas=${2:-}; shift 2 || true ;;
    --replicas=*) replicas=${1#--replicas=}; shift ;;
    *) echo "usage: deploy/up.sh [--replicas N]" >&2; exit 2 ;;
  esac
done
[[ "$replicas" =~ ^[1-9]$ ]] || { echo "--replicas takes a number from 1 to 9" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=deploy/dependencies.sh
source deploy/dependencies.sh
# shellcheck source=deploy/launch.sh
source deploy/launch.sh

command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || apt_install curl
command -v jq >/dev/null 2>&1 || apt_install jq   # used by the walk-through
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SERVICES=(SandboxApplications:5101:sandbox_applications AiSystemRegistry:5102:ai_system_registry IncidentClaims:5103:incident_claims)
READY_TIMEOUT=${READY_TIMEOUT:-120}
CONSOLE_PORT=5100

ensure_dependencies
LOG_TAG=up
mkdir -p .run/logs .run/pids

running() { [ -f ".run/pids/$1.pid" ] && kill -0 "$(cat ".run/pids/$1.pid")" 2>/dev/null; }

# One entry per replica: NAME:PORT:DATABASE:INSTANCE.
instances=()
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name port database <<<"$entry"
  for k in $(seq 1 "$replicas"); do
    instance=$name; [ "$k" -gt 1 ] && instance=$name-$k
    instances+=("$name:$((port + 10 * (k - 1))):$database:$instance")
  done
done

to_start=()
for entry in "${instances[@]}"; do
  IFS=: read -r _ _ _ instance <<<"$entry"
  if running "$instance"; then log "$instance is already running (pid $(cat ".run/pids/$instance.pid"))"; else to_start+=("$entry"); fi
done
console_running=0
if running WebConsole; then console_running=1; log "WebConsole is already running (pid $(cat .run/pids/WebConsole.pid))"; fi

if [ ${#to_start[@]} -gt 0 ] || [ "$console_running" -eq 0 ]; then
  log "building the services (Release)"
  dotnet build SandboxRegistry.sln --configuration Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
fi

for entry in "${to_start[@]}"; do
  IFS=: read -r name port database instance <<<"$entry"
  log "starting $instance on http://localhost:$port (log: .run/logs/$instance.log)"
  : >".run/logs/$instance.log"
  launch_service "$name" "$port" "$database" "$instance"
done

ready() { curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null; }
for entry in "${instances[@]}"; do
  IFS=: read -r _ port _ instance <<<"$entry"
  DEPENDENCY_TIMEOUT=$READY_TIMEOUT wait_for "$instance /health/ready" ready "$port" || {
    log "$instance did not become ready; last lines of its log:"; tail -n 30 ".run/logs/$instance.log" >&2; exit 1; }
  log "$instance is ready: http://localhost:$port/swagger"
done
if [ "$console_running" -eq 0 ]; then
  log "starting WebConsole on http://localhost:$CONSOLE_PORT (log: .run/logs/WebConsole.log)"
  : >.run/logs/WebConsole.log
  launch_console "$CONSOLE_PORT"
fi
DEPENDENCY_TIMEOUT=$READY_TIMEOUT wait_for "WebConsole /health/live" curl -fsS "http://127.0.0.1:$CONSOLE_PORT/health/live" || {
  log "WebConsole did not start; last lines of its log:"; tail -n 30 .run/logs/WebConsole.log >&2; exit 1; }
log "WebConsole is ready: http://localhost:$CONSOLE_PORT (development sign-in at /sign-in)"
log "all services are up; stop them with deploy/down.sh"
