#!/usr/bin/env bash
# The one test command: installs what the tests need when it is missing, then runs every test.
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ncat is the real third-party client the tests drive; tmux is the real terminal the client is driven in;
# kill (procps) sends SIGTERM to the server under test; systemd-analyze (systemd) checks the unit file;
# openssl s_client is the real TLS client the TLS tests drive; redis-server is cluster mode's store (each test
# starts its own on a free loopback port; the system's service is never used); haproxy runs the shipped load
# balancer configuration in front of a test's nodes; irssi and WeeChat are the real IRC clients the IRC listener is
# tested with; chromium is the real browser the web client is tested in (driven headless by Playwright's bundled
# driver; nothing is downloaded); prometheus scrapes the metrics endpoint (each test runs its own on a free port).
missing=()
command -v ncat >/dev/null || missing+=(ncat)
command -v tmux >/dev/null || missing+=(tmux)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v kill >/dev/null || missing+=(procps)
command -v openssl >/dev/null || missing+=(openssl)
command -v ss >/dev/null || missing+=(iproute2)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
command -v irssi >/dev/null || missing+=(irssi)
command -v weechat >/dev/null || missing+=(weechat)
command -v chromium >/dev/null || missing+=(chromium)
command -v prometheus >/dev/null || missing+=(prometheus)
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "tests/run.sh: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian starts the packages' own services where systemd runs; the tests start their own, never those.
    if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
        systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
    fi
fi

# dotnet-counters reads the server's meter in one test; it is a .NET tool from NuGet, installed for this user.
counters_version=10.0.750501
if ! command -v dotnet-counters >/dev/null && [[ ! -x "$HOME/.dotnet/tools/dotnet-counters" ]]; then
    dotnet tool install --tool-path "$HOME/.dotnet/tools" dotnet-counters --version "$counters_version" >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test SocketChat.sln --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test projects.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
