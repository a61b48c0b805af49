#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, from the Debian package, beside (never instead of) the broker on 5672:
#   bash deploy/rabbitmq-cluster.sh start    installs rabbitmq-server when missing, starts and clusters the nodes
#   bash deploy/rabbitmq-cluster.sh status   cluster status as node 1 sees it
#   bash deploy/rabbitmq-cluster.sh stop     stops the three nodes (their data stays for the next start)
#   bash deploy/rabbitmq-cluster.sh kill N   stops node N abruptly (SIGKILL), to watch a quorum queue's leader move
#   bash deploy/rabbitmq-cluster.sh stop-node N / start-node N   stops node N (rabbitmqctl stop) / starts it again
#   bash deploy/rabbitmq-cluster.sh leader   the node (1..3) that leads most of the services' quorum queues (management API)
# Node N (1..3) is rabbit-N@localhost with AMQP on 568N, management on 1568N, distribution on 2568N and its data in
# /var/lib/rabbitmq-cluster/rabbit-N. The services reach all three with
#   ConnectionStrings__RabbitMq=amqp://sandbox:sandbox@127.0.0.1:5681/  RabbitMq__Nodes=127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683
# Idempotent: start on a running cluster only checks it.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_TAG=rabbitmq-cluster
# shellcheck source=deploy/dependencies.sh
source deploy/dependencies.sh

BASE=/var/lib/rabbitmq-cluster
NODES=(1 2 3)
node_name() { echo "rabbit-$1@localhost"; }

# Runs a RabbitMQ program as the rabbitmq user, with that user's Erlang cookie (shared by every node on the machine).
as_rabbitmq() { as_root su rabbitmq -s /bin/sh -c "HOME=/var/lib/rabbitmq $(printf '%q ' "$@")"; }
ctl() { local n=$1; shift; as_rabbitmq /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$(node_name "$n")" "$@"; }
node_up() { ctl "$1" await_startup --timeout 5 >/dev/null 2>&1; }

start_node() {
  local n=$1 dir="$BASE/rabbit-$1"
  if node_up "$n"; then return 0; fi
  as_root mkdir -p "$dir/log"
  as_root tee "$dir/rabbitmq.conf" >/dev/null <<CONF
listeners.tcp.default = 568$n
management.tcp.port = 1568$n
# A node cut off from the other two stops serving rather than diverge; quorum queues need a majority anyway.
cluster_partition_handling = pause_minority
loopback_users = none
CONF
  echo '[rabbitmq_management].' | as_root tee "$dir/enabled_plugins" >/dev/null
  as_root chown -R rabbitmq:rabbitmq "$BASE"
  log "starting $(node_name "$n") (AMQP 568$n, management 1568$n)"
  as_rabbitmq env RABBITMQ_NODENAME="$(node_name "$n")" RABBITMQ_NODE_PORT="568$n" RABBITMQ_DIST_PORT="2568$n" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/rabbit.pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    ERL_CRASH_DUMP="$dir/log/erl_crash.dump" /usr/lib/rabbitmq/bin/rabbitmq-server -detached >>"$dir/log/startup.log" 2>&1 || true
  wait_for "$(node_name "$n")" node_up "$n"
}

joined() { ctl 1 cluster_status --formatter json 2>/dev/null | grep -q "\"$(node_name "$1")\""; }
running_in_cluster() {
  ctl 1 cluster_status --formatter json 2>/dev/null | python3 -c "import json,sys; print(len(json.load(sys.stdin)['running_nodes']))"
}

start() {
  if ! command -v rabbitmq-server >/dev/null 2>&1; then apt_install rabbitmq-server; fi
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in 2 3; do
    if ! ctl "$n" cluster_status --formatter json 2>/dev/null | grep -q "\"$(node_name 1)\""; then
      log "joining $(node_name "$n") to $(node_name 1)"
      ctl "$n" stop_app >/dev/null 2>&1
      ctl "$n" reset >/dev/null 2>&1
      ctl "$n" join_cluster "$(node_name 1)" >/dev/null 2>&1
      ctl "$n" start_app >/dev/null 2>&1
    fi
  done
  wait_for "three running nodes" test "$(running_in_cluster)" = 3
  if ! ctl 1 list_users | awk '{print $1}' | grep -qx "$SANDBOX_MQ_USER"; then
    ctl 1 add_user "$SANDBOX_MQ_USER" "$SANDBOX_MQ_PASSWORD" >/dev/null
  fi
  ctl 1 set_user_tags "$SANDBOX_MQ_USER" administrator >/dev/null
  ctl 1 set_permissions -p / "$SANDBOX_MQ_USER" '.*' '.*' '.*' >/dev/null
  log "cluster of ${#NODES[@]} nodes running: AMQP 5681-5683, management 15681-15683"
}

# The node's Erlang VM runs (up, or paused: with pause_minority the last node standing pauses, and stops answering as up).
node_running() { as_root test -f "$BASE/rabbit-$1/rabbit.pid" && as_root kill -0 "$(as_root cat "$BASE/rabbit-$1/rabbit.pid")" 2>/dev/null; }

stop() {
  for n in "${NODES[@]}"; do
    if node_running "$n"; then log "stopping $(node_name "$n")"; ctl "$n" stop >/dev/null 2>&1 || true; fi
  done
}

stop_node() {
  log "stopping $(node_name "$1")"
  ctl "$1" stop >/dev/null 2>&1 || true
  wait_for "$(node_name "$1") to stop" sh -c "! (exec 3<>/dev/tcp/127.0.0.1/568$1) 2>/dev/null"
}

# The node leading most of the services' queues (quorum queues have a leader; a classic queue lives on one node), as
# the first node whose management API answers reports it.
leader() {
  local n
  for n in "${NODES[@]}"; do
    if curl -fsS -u "$SANDBOX_MQ_USER:$SANDBOX_MQ_PASSWORD" "http://127.0.0.1:1568$n/api/queues/%2F?disable_stats=true&enable_queue_totals=true" 2>/dev/null |
        python3 -c '
import json, sys, collections
queues = [q for q in json.load(sys.stdin) if "-integration-events" in q["name"]]
leaders = collections.Counter(q.get("leader") or q.get("node") for q in queues)
if not leaders: sys.exit(1)
print(leaders.most_common(1)[0][0].split("@")[0].split("-")[1])'; then return 0; fi
  done
  return 1
}

kill_node() {
  local pid
  pid=$(as_root cat "$BASE/rabbit-$1/rabbit.pid")
  log "killing $(node_name "$1") (pid $pid)"
  as_root kill -9 "$pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) ctl 1 cluster_status ;;
  kill) kill_node "${2:?node number}" ;;
  start-node) start_node "${2:?node number}" ;;
  stop-node) stop_node "${2:?node number}" ;;
  leader) leader ;;
  *) echo "usage: $0 start|stop|status|kill N|start-node N|stop-node N|leader" >&2; exit 2 ;;
esac
