#!/usr/bin/env bash
# SocketChat against ncat --chat on the same workloads, alternating, in one run; then cluster mode (three nodes on
# one Redis) against a single server on the same workload; prints tables of ratios.
# Usage: bash bench/compare.sh [rounds] [all|ncat|cluster]   (Debian: apt-get install ncat redis-server)
# Everything talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
part=${2:-all}
if [[ $part != cluster ]]; then command -v ncat >/dev/null || { echo "bench/compare.sh: needs ncat (apt-get install ncat)" >&2; exit 1; }; fi
if [[ $part != cluster ]]; then command -v openssl >/dev/null || { echo "bench/compare.sh: needs openssl (apt-get install openssl)" >&2; exit 1; }; fi
if [[ $part != ncat ]]; then command -v redis-server >/dev/null || { echo "bench/compare.sh: needs redis-server (apt-get install redis-server)" >&2; exit 1; }; fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d)
results="$work/results"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The server as it is deployed (Dockerfile, deploy/systemd): published Release, ReadyToRun. SERVER_DIR names one
# published already (an earlier commit's, to compare before and after with the same bench).
if [[ -n ${SERVER_DIR:-} ]]; then
    server=$SERVER_DIR/SocketChat.Server.dll
else
    dotnet publish -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -v quiet --nologo \
        -o "$work/server" src/Server/SocketChat.Server.csproj >/dev/null
    server=$work/server/SocketChat.Server.dll
fi
dotnet build -c Release -v quiet --nologo src/Bench/SocketChat.Bench.csproj >/dev/null
bench=(dotnet src/Bench/bin/Release/net10.0/SocketChat.Bench.dll)

# Our server with its default settings (every message logged, SQLite persistence on), on a free port; any
# arguments are added (cluster mode).
start_ours() {
    local data="$work/data-$RANDOM" log="$work/server-$RANDOM.log" started
    started=$(date +%s%N)
    dotnet "$server" --Chat:Host=127.0.0.1 --Chat:Port=0 --Chat:OperatorConsole=Off --Chat:DataDirectory="$data" "$@" >"$log" 2>&1 &
    ours_pid=$!
    ours_log=$log
    pids+=("$ours_pid")
    until grep -q 'Listening on 127.0.0.1:' "$log" 2>/dev/null; do sleep 0.01; done
    ours_startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
    ours_port=$(grep -o 'Listening on 127.0.0.1:[0-9]*' "$log" | head -1 | grep -o '[0-9]*$')
}

start_ncat() {
    ncat_port=$(( 20000 + RANDOM % 20000 ))
    ncat --chat --max-conns 20000 -l 127.0.0.1 "$ncat_port" >/dev/null 2>&1 &
    ncat_pid=$!
    pids+=("$ncat_pid")
    until "${bench[@]}" probe --port "$ncat_port" >/dev/null 2>&1; do sleep 0.01; done
}

# The reference: src/Bench's relay, a minimal lossless .NET line relay (what the runtime allows here).
start_relay() {
    local log="$work/relay-$RANDOM.log"
    "${bench[@]}" relay --port 0 >"$log" 2>&1 &
    relay_pid=$!
    pids+=("$relay_pid")
    until grep -q 'RELAY listening on' "$log" 2>/dev/null; do sleep 0.01; done
    relay_port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$')
}

start_one() { case $1 in ours) start_ours; port=$ours_port; pid=$ours_pid ;; ncat) start_ncat; port=$ncat_port; pid=$ncat_pid ;; relay) start_relay; port=$relay_port; pid=$relay_pid ;; esac; }

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# CPU time a process has used so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)

# Each server is fresh; both get the same short warm-up first (ours JIT-compiles its hot paths in it), unrecorded.
warm_up() { "${bench[@]}" fanout --port "$1" --label warmup --clients 50 --lines 200 --size 64 >/dev/null; }

if [[ $part != cluster ]]; then
for round in $(seq "$rounds"); do
    for target in ours ncat relay; do
        # fanout: 50 clients x 1,000 lines (delivery-heavy); heavy: 10 x 25,000 (message-heavy), a fresh server each.
        for shape in "fanout 50 1000" "heavy 10 25000"; do
            read -r mode clients lines <<<"$shape"
            start_one "$target"
            warm_up "$port"
            before=$(cpu_ticks "$pid")
            "${bench[@]}" fanout --port "$port" --label "$target" --clients "$clients" --lines "$lines" --size 64 | sed "s/^RESULT fanout /RESULT $mode /" | tee -a "$results"
            # What the server itself spent on the run: on two cores it competes with the bench for the same CPUs.
            line="RESULT $mode $target server_cpu_s=$(awk -v t="$(( $(cpu_ticks "$pid") - before ))" -v hz="$ticks_per_s" 'BEGIN {printf "%.3f", t / hz}') messages=$(( clients * lines )) deliveries=$(( clients * (clients - 1) * lines ))"
            stop "$pid"
            if [[ $target == ours ]]; then
                # Every message sent (warm-up included) should be one event in the log the operator tails.
                line+=" logged_per_message=$(awk -v n="$(grep -c '] Message [0-9]* in ' "$ours_log" || true)" -v m="$(( 50 * 200 + clients * lines ))" 'BEGIN {printf "%.4f", n / m}')"
            fi
            echo "$line" | tee -a "$results"
        done
    done
done

for target in ours ncat relay; do
    start_one "$target"
    warm_up "$port"
    "${bench[@]}" steady --port "$port" --label "$target" --clients 100 --rate 5 --seconds 20 | tee -a "$results"
    stop "$pid"
done

# Room changes (ncat has no rooms): a /join confirmed, on an idle server and while 20 clients say 20 lines a second each.
for busy in 0 20; do
    start_ours
    warm_up "$ours_port"
    "${bench[@]}" join --port "$ours_port" --label "busy$busy" --joins 200 --busy "$busy" --rate 20 | tee -a "$results"
    stop "$ours_pid"
done

start_ours
idle_kib=$(awk '/VmRSS/ {print $2}' "/proc/$ours_pid/status")
echo "RESULT startup ours startup_ms=$ours_startup_ms idle_rss_kib=$idle_kib" | tee -a "$results"
"${bench[@]}" conns --port "$ours_port" --label ours --pid "$ours_pid" --count 10000 | tee -a "$results"
stop "$ours_pid"
start_relay
"${bench[@]}" conns --port "$relay_port" --label relay --pid "$relay_pid" --count 10000 | tee -a "$results"
stop "$relay_pid"

# TLS (on the chat port, a self-signed certificate made here) and WebSocket (/ws on the web port) clients of the same
# server: fan-out and idle connections, against plain sockets on a server started the same way.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1
for transport in tcp tls ws; do
    for shape in fanout conns; do
        case $transport in
            tcp) start_ours; target_port=$ours_port ;;
            tls) start_ours --Chat:Tls:CertificatePath="$work/cert.pem" --Chat:Tls:KeyPath="$work/key.pem"; target_port=$ours_port ;;
            ws) start_ours --Chat:Web:Port=0; target_port=$(grep -o 'Web client on http://127.0.0.1:[0-9]*' "$ours_log" | grep -o '[0-9]*$') ;;
        esac
        via=(--transport "$transport" --tls-cert "$work/cert.pem")
        if [[ $shape == fanout ]]; then
            "${bench[@]}" fanout --port "$target_port" --label warmup --clients 50 --lines 200 --size 64 "${via[@]}" >/dev/null
            before=$(cpu_ticks "$ours_pid")
            "${bench[@]}" fanout --port "$target_port" --label "$transport" --clients 50 --lines 1000 --size 64 "${via[@]}" | sed "s/^RESULT fanout /RESULT transport-fanout /" | tee -a "$results"
            echo "RESULT transport-fanout $transport server_cpu_s=$(awk -v t="$(( $(cpu_ticks "$ours_pid") - before ))" -v hz="$ticks_per_s" 'BEGIN {printf "%.3f", t / hz}')" | tee -a "$results"
        else
            "${bench[@]}" conns --port "$target_port" --label "$transport" --pid "$ours_pid" --count 10000 "${via[@]}" | sed "s/^RESULT conns /RESULT transport-conns /" | tee -a "$results"
        fi
        stop "$ours_pid"
    done
done
fi

if [[ $part != ncat ]]; then
# Cluster mode: senders on one node, receivers on two others, all on one Redis (deploy/redis/redis.conf: AOF,
# fsync before each answer), against the same workload on one server with its default SQLite store and on one
# server on Redis. Each target is fresh: its own Redis, its own servers.
free_port() { local port; while port=$(( 20000 + RANDOM % 20000 )); (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do :; done; echo "$port"; }

start_redis() {
    redis_port=$(free_port)
    mkdir -p "$work/redis-$redis_port"
    redis-server deploy/redis/redis.conf --port "$redis_port" --dir "$work/redis-$redis_port" --daemonize no >"$work/redis-$redis_port.log" 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.01; done
}

# A replica of that Redis (cluster-wait), once it has synchronised.
start_replica() {
    replica_port=$(free_port)
    mkdir -p "$work/redis-$replica_port"
    cp deploy/redis/redis.conf "$work/redis-$replica_port/redis.conf"
    redis-server "$work/redis-$replica_port/redis.conf" --port "$replica_port" --dir "$work/redis-$replica_port" --replicaof 127.0.0.1 "$redis_port" --daemonize no >"$work/redis-$replica_port.log" 2>&1 &
    replica_pid=$!
    pids+=("$replica_pid")
    until redis-cli -p "$replica_port" info replication 2>/dev/null | grep -q 'master_link_status:up'; do sleep 0.01; done
}

# Starts the target's servers: node_ports and node_pids, senders on the first, receivers on the others.
# cluster-wait: the cluster with a replica, each batch acknowledged once WAIT says the replica has it.
start_target() {
    node_ports=(); node_pids=(); redis_pid=; replica_pid=
    case $1 in
        single) start_ours; node_ports=("$ours_port"); node_pids=("$ours_pid") ;;
        single-redis) start_redis; start_ours --Chat:Storage:Provider=Redis --Chat:Storage:Redis="127.0.0.1:$redis_port"
            node_ports=("$ours_port"); node_pids=("$ours_pid") ;;
        cluster|cluster-wait) start_redis
            local wait=0
            if [[ $1 == cluster-wait ]]; then start_replica; wait=1; fi
            for n in 1 2 3; do
                start_ours --Chat:Storage:Provider=Redis --Chat:Storage:Redis="127.0.0.1:$redis_port" --Chat:NodeName="node$n" --Chat:Storage:WaitForReplicas=$wait
                node_ports+=("$ours_port"); node_pids+=("$ours_pid")
            done ;;
    esac
    sender_port=${node_ports[0]}
    receiver_ports=$(IFS=,; echo "${node_ports[*]:1}")
    receiver_ports=${receiver_ports:-$sender_port}
}

stop_target() { for pid in "${node_pids[@]}" $redis_pid $replica_pid; do stop "$pid"; done; }

cpu_sum() { local sum=0 pid; for pid in "$@"; do sum=$(( sum + $(cpu_ticks "$pid") )); done; echo "$sum"; }
seconds() { awk -v t="$1" -v hz="$ticks_per_s" 'BEGIN {printf "%.2f", t / hz}'; }

split=("${bench[@]}" split --senders 10 --receivers 40 --size 64)
for round in $(seq "$rounds"); do
    for target in single single-redis cluster cluster-wait; do
        start_target "$target"
        "${split[@]}" --port "$sender_port" --receiver-ports "$receiver_ports" --label warmup --lines 200 >/dev/null
        before=$(cpu_sum "${node_pids[@]}"); redis_before=$([[ -n $redis_pid ]] && cpu_ticks "$redis_pid" || echo 0)
        [[ -n $redis_pid ]] && redis-cli -p "$redis_port" config resetstat >/dev/null
        "${split[@]}" --port "$sender_port" --receiver-ports "$receiver_ports" --label "$target" --lines 2000 | tee -a "$results"
        line="RESULT split-fanout $target server_cpu_s=$(seconds $(( $(cpu_sum "${node_pids[@]}") - before )))"
        if [[ -n $redis_pid ]]; then
            # Every command Redis ran (those inside the append script included), per stored line.
            commands=$(redis-cli -p "$redis_port" info commandstats | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /cmdstat_(info|config)/ {n += $3} END {print n}')
            line+=" redis_cpu_s=$(seconds $(( $(cpu_ticks "$redis_pid") - redis_before ))) redis_commands_per_line=$(awk -v c="$commands" 'BEGIN {printf "%.2f", c / 20000}')"
        fi
        echo "$line" | tee -a "$results"
        stop_target
    done
done

# Steady, every round (the cross-node p99 against one server's is judged run by run).
for round in $(seq "$rounds"); do
    for target in single single-redis cluster cluster-wait; do
        start_target "$target"
        "${split[@]}" --port "$sender_port" --receiver-ports "$receiver_ports" --label warmup --lines 200 >/dev/null
        "${bench[@]}" split --senders 50 --receivers 50 --size 64 --rate 5 --seconds 20 --port "$sender_port" --receiver-ports "$receiver_ports" --label "$target" | tee -a "$results"
        stop_target
    done
done

# Round trips: the commands the nodes send Redis (not those the append script runs inside it), per stored line,
# counted with MONITOR on a run of its own (MONITOR slows Redis, so nothing else is measured in it).
for target in cluster cluster-wait; do
for workload in fanout steady; do
    start_target "$target"
    redis-cli -p "$redis_port" monitor >"$work/monitor" &
    monitor_pid=$!
    until [[ -s $work/monitor ]]; do sleep 0.01; done
    if [[ $workload == fanout ]]; then
        "${bench[@]}" split --senders 10 --receivers 40 --size 64 --lines 500 --port "$sender_port" --receiver-ports "$receiver_ports" --label count >/dev/null; stored=5000
    else
        "${bench[@]}" split --senders 50 --receivers 50 --size 64 --rate 5 --seconds 5 --port "$sender_port" --receiver-ports "$receiver_ports" --label count >/dev/null; stored=1250
    fi
    stop "$monitor_pid"
    sent=$(grep '^[0-9.]* \[0 [0-9]' "$work/monitor" | grep -vic '"replconf"' || true)
    echo "RESULT roundtrips-$workload $target redis_roundtrips_per_line=$(awk -v c="$sent" -v n="$stored" 'BEGIN {printf "%.3f", c / n}')" | tee -a "$results"
    stop_target
done
done
fi

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), $(ncat --version 2>&1 | head -1)"
awk -f bench/table.awk "$results"
