#!/usr/bin/env bash
# Starts the whole system locally: PostgreSQL and RabbitMQ (installed and started when missing), then the three
# services and the web console (port 5100) in the background, each with a log in .run/logs and a pid file in .run/pids. Waits until every
# service answers /health/ready. Running it again leaves what is already running alone. Stop with deploy/down.sh.
set -euo pipefail
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

to_start=()
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name _ _ <<<"$entry"
  if running "$name"; then log "$name is already running (pid $(cat ".run/pids/$name.pid"))"; else to_start+=("$entry"); fi
done
console_running=0
if running WebConsole; then console_running=1; log "WebConsole is already running (pid $(cat .run/pids/WebConsole.pid))"; fi

if [ ${#to_start[@]} -gt 0 ] || [ "$console_running" -eq 0 ]; then
  log "building the services (Release)"
  dotnet build SandboxRegistry.sln --configuration Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
fi

for entry in "${to_start[@]}"; do
  IFS=: read -r name port database <<<"$entry"
  log "starting $name on http://localhost:$port (log: .run/logs/$name.log)"
  : >".run/logs/$name.log"
  launch_service "$name" "$port" "$database"
done

ready() { curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null; }
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name port _ <<<"$entry"
  DEPENDENCY_TIMEOUT=$READY_TIMEOUT wait_for "$name /health/ready" ready "$port" || {
    log "$name did not become ready; last lines of its log:"; tail -n 30 ".run/logs/$name.log" >&2; exit 1; }
  log "$name is ready: http://localhost:$port/swagger"
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
