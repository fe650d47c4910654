#!/usr/bin/env bash
# SocketChat against ncat --chat on the same workloads, alternating, in one run; prints a table of ratios.
# Usage: bash bench/compare.sh [rounds]   (Debian: apt-get install ncat)
# Everything talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
command -v ncat >/dev/null || { echo "bench/compare.sh: needs ncat (apt-get install ncat)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d)
results="$work/results"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The server as it is deployed (Dockerfile, deploy/systemd): published Release, ReadyToRun.
dotnet publish -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -v quiet --nologo \
    -o "$work/server" src/Server/SocketChat.Server.csproj >/dev/null
dotnet build -c Release -v quiet --nologo src/Bench/SocketChat.Bench.csproj >/dev/null
server=$work/server/SocketChat.Server.dll
bench=(dotnet src/Bench/bin/Release/net10.0/SocketChat.Bench.dll)

# Our server with its default settings (every message logged, SQLite persistence on), on a free port.
start_ours() {
    local data="$work/data-$RANDOM" log="$work/server-$RANDOM.log" started
    started=$(date +%s%N)
    dotnet "$server" --Chat:Host=127.0.0.1 --Chat:Port=0 --Chat:OperatorConsole=Off --Chat:DataDirectory="$data" >"$log" 2>&1 &
    ours_pid=$!
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

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# CPU time a process has used so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)

# Each server is fresh; both get the same short warm-up first (ours JIT-compiles its hot paths in it), unrecorded.
warm_up() { "${bench[@]}" fanout --port "$1" --label warmup --clients 50 --lines 200 --size 64 >/dev/null; }

for round in $(seq "$rounds"); do
    for target in ours ncat; do
        if [[ $target == ours ]]; then start_ours; port=$ours_port; pid=$ours_pid; else start_ncat; port=$ncat_port; pid=$ncat_pid; fi
        warm_up "$port"
        before=$(cpu_ticks "$pid")
        "${bench[@]}" fanout --port "$port" --label "$target" --clients 50 --lines 1000 --size 64 | tee -a "$results"
        # What the server itself spent on the run: on two cores it competes with the bench for the same CPUs.
        echo "RESULT fanout $target server_cpu_s=$(awk -v t="$(( $(cpu_ticks "$pid") - before ))" -v hz="$ticks_per_s" 'BEGIN {printf "%.2f", t / hz}')" | tee -a "$results"
        stop "$pid"
    done
done

for target in ours ncat; do
    if [[ $target == ours ]]; then start_ours; port=$ours_port; pid=$ours_pid; else start_ncat; port=$ncat_port; pid=$ncat_pid; fi
    warm_up "$port"
    "${bench[@]}" steady --port "$port" --label "$target" --clients 100 --rate 5 --seconds 20 | tee -a "$results"
    stop "$pid"
done

start_ours
idle_kib=$(awk '/VmRSS/ {print $2}' "/proc/$ours_pid/status")
echo "RESULT startup ours startup_ms=$ours_startup_ms idle_rss_kib=$idle_kib" | tee -a "$results"
"${bench[@]}" conns --port "$ours_port" --label ours --pid "$ours_pid" --count 10000 | tee -a "$results"
stop "$ours_pid"

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), $(ncat --version 2>&1 | head -1)"
awk -f bench/table.awk "$results"
