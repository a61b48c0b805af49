#!/usr/bin/env bash
# launch_service NAME PORT DATABASE [INSTANCE]: starts one service from its Release build in the background against
# the local PostgreSQL and RabbitMQ (plain TCP on loopback), serving /metrics on PORT + 4000 (Metrics:Port), appends
# its output to .run/logs/INSTANCE.log and records its pid in .run/pids/INSTANCE.pid (INSTANCE defaults to NAME; a
# second replica is NAME-2, on the same database and queues). Sourced, after dependencies.sh, by up.sh and by fault-suite.sh (which restarts killed services).
# SANDBOX_PG_SERVER (default "Host=127.0.0.1;Port=5432") and SANDBOX_MQ_SERVER (default 127.0.0.1:5672) point it at other
# servers: the cluster form of the fault suite names both PostgreSQL nodes and the first broker node there, and exports
# RabbitMq__Nodes, which the service reads from its environment.
# launch_console, below, starts the web console the same way.
launch_service() {
  local name=$1 port=$2 database=$3 instance=${4:-$1} root
  root=$(pwd)
  mkdir -p .run/logs .run/pids
  (
    cd "services/$name/bin/Release/net10.0"
    # glibc's malloc keeps up to 8 arenas per core for the threads that allocate natively; two are enough here and
    # hold less memory (services/Runtime.props, docs/Benchmarks.md).
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} \
    ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    ConnectionStrings__Postgres="${SANDBOX_PG_SERVER:-Host=127.0.0.1;Port=5432};Database=$database;Username=$SANDBOX_DB_USER;Password=$SANDBOX_DB_PASSWORD;SSL Mode=Disable" \
    ConnectionStrings__RabbitMq="amqp://$SANDBOX_MQ_USER:$SANDBOX_MQ_PASSWORD@${SANDBOX_MQ_SERVER:-127.0.0.1:5672}/" \
      nohup dotnet "$name.dll" --urls "http://0.0.0.0:$port;http://0.0.0.0:$((port + 4000))" >>"$root/.run/logs/$instance.log" 2>&1 &
    echo $! >"$root/.run/pids/$instance.pid"
  )
}

# launch_console PORT: starts the web console (services/WebConsole) from its Release build in the background, talking to
# the three services on their local ports; log in .run/logs/WebConsole.log, pid in .run/pids/WebConsole.pid.
launch_console() {
  local port=$1 root
  root=$(pwd)
  mkdir -p .run/logs .run/pids
  (
    cd services/WebConsole/bin/Release/net10.0
    ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    Services__SandboxApplications=http://127.0.0.1:5101/ \
    Services__AiSystemRegistry=http://127.0.0.1:5102/ \
    Services__IncidentClaims=http://127.0.0.1:5103/ \
      nohup dotnet WebConsole.dll --urls "http://0.0.0.0:$port" >>"$root/.run/logs/WebConsole.log" 2>&1 &
    echo $! >"$root/.run/pids/WebConsole.pid"
  )
}
