#!/usr/bin/env bash
# Runs the service benchmark (docs/Benchmarks.md): starts the system with deploy/up.sh (PostgreSQL keeps its default
# synchronous_commit = on), builds tests/Benchmarks and runs it in "services" mode: the outbox draining a backlog
# against raw RabbitMQ.Client publishing, intake with its raw Marten baseline, propagation to AiSystemRegistry at 300
# and 1,000 reports/s, dossier reads with 100,000 incidents stored, then each service's peak RSS.
# Extra arguments go to the tool, e.g. a short run: deploy/benchmark.sh --seconds 20 --warmup 10 --propagation-seconds 20
# Services this script started are stopped at the end; ones that were already running are left running.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The intake's per-client rate limit would cap a single benchmark client; the benchmark measures the write path.
export RateLimits__intake__PermitsPerSecond=${RateLimits__intake__PermitsPerSecond:-1000000}
export RateLimits__intake__Burst=${RateLimits__intake__Burst:-1000000}

already=1
for svc in SandboxApplications AiSystemRegistry IncidentClaims; do
  [ -f ".run/pids/$svc.pid" ] && kill -0 "$(cat ".run/pids/$svc.pid")" 2>/dev/null || already=0
done
[ "$already" -eq 1 ] || trap 'bash deploy/down.sh' EXIT

bash deploy/up.sh
echo "[benchmark] PostgreSQL synchronous_commit = $(PGPASSWORD=sandbox psql -h 127.0.0.1 -U sandbox -d postgres -qtAX -c 'show synchronous_commit')"
# up.sh builds the solution (the tool included) whenever it starts a service; building again while services run
# from their Release output would overwrite their assemblies, so build only when the tool is missing.
[ -f tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll ] || dotnet build tests/Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
echo "[benchmark] dotnet tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll services $*"
SANDBOX_ROOT="$root" dotnet tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll services "$@"
