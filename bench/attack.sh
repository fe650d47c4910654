#!/usr/bin/env bash
# What expensive requests from one address do to everyone else (issue 33's "one budget"): the server published as it
# is deployed, with an operator in its settings, then SocketChat.Bench attack against it: another pair's round trip
# while 10 connections send wrong /oper passwords, and while 10 search two rare words of 120,000 stored messages.
# Usage: bash bench/attack.sh [all|oper|search]   (SERVER_DIR names a server published already: an earlier commit's)
# Everything talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if [[ -n ${SERVER_DIR:-} ]]; then
    server=$SERVER_DIR/SocketChat.Server.dll
else
    dotnet publish -c Release --use-current-runtime --self-contained false -v quiet --nologo -o "$work/server" src/Server/SocketChat.Server.csproj >/dev/null
    server=$work/server/SocketChat.Server.dll
fi
dotnet build -c Release -v quiet --nologo src/Bench/SocketChat.Bench.csproj >/dev/null
bench=(dotnet src/Bench/bin/Release/net10.0/SocketChat.Bench.dll)

# An operator's hash as `users` writes it (a scratch accounts file), for Chat:Operators:root.
mkdir -p "$work/hash"
printf 'attack-password\nattack-password\n' | dotnet "$server" users add root --Chat:DataDirectory="$work/hash" >/dev/null
hash=$(grep '^root:' "$work/hash/users.txt" | cut -d: -f2-)

run() {
    local kind=$1 fill=$2 data="$work/data-$RANDOM" log="$work/server-$RANDOM.log"
    dotnet "$server" --Chat:Host=127.0.0.1 --Chat:Port=0 --Chat:OperatorConsole=Off --Chat:DataDirectory="$data" \
        "--Chat:Operators:root=$hash" >"$log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    until grep -q 'Listening on 127.0.0.1:' "$log" 2>/dev/null; do sleep 0.05; done
    local port
    port=$(grep -o 'Listening on 127.0.0.1:[0-9]*' "$log" | head -1 | grep -o '[0-9]*$')
    "${bench[@]}" attack --port "$port" --kind "$kind" --fill "$fill" --attackers 10 --seconds 10
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

if [[ $part == all || $part == oper ]]; then run oper 0; fi
if [[ $part == all || $part == search ]]; then run search 120000; fi
