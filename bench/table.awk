# Turns the RESULT lines of bench/compare.sh into a table with ours/ncat ratios (medians over rounds).
function median(list,   n, a, i, j, t, m) {
    n = split(list, a, " ")
    if (n == 0) return "-"
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    if (n % 2) return a[(n + 1) / 2]
    m = (a[n / 2] + a[n / 2 + 1]) / 2
    if (m == int(m)) return sprintf("%d", m)
    return m >= 1000 ? sprintf("%d", m + 0.5) : sprintf("%.3f", m)
}
$1 == "RESULT" {
    mode = $2; who = $3
    for (i = 4; i <= NF; i++) { split($i, kv, "="); v[mode, who, kv[1]] = v[mode, who, kv[1]] " " kv[2] }
}
END {
    if (("fanout", "ours", "deliveries_per_s") in v) ncat_table()
    if (("transport-fanout", "tcp", "deliveries_per_s") in v) transport_table()
    if (("split-fanout", "cluster", "deliveries_per_s") in v) cluster_table()
}
# One server's plain, TLS and WebSocket clients (each a fresh server): fan-out and idle connections.
function transport_table() {
    print ""
    printf "%-34s %12s %12s %12s %10s %10s\n", "clients of one server", "plain TCP", "TLS", "WebSocket", "TLS/TCP", "WS/TCP"
    xrow("fanout deliveries/s", "transport-fanout", "deliveries_per_s")
    xrow("fanout lines lost", "transport-fanout", "lost")
    xrow("fanout server CPU s", "transport-fanout", "server_cpu_s")
    xrow("conns: connects/s while filling", "transport-conns", "connects_per_s")
    xrow("conns: KiB per idle connection", "transport-conns", "kib_per_connection")
}
function xrow(title, mode, key,   tcp, tls, ws) {
    tcp = median(v[mode, "tcp", key]); tls = median(v[mode, "tls", key]); ws = median(v[mode, "ws", key])
    printf "%-34s %12s %12s %12s %10s %10s\n", title, tcp, tls, ws, ratio(tls, tcp), ratio(ws, tcp)
}
# The largest ratio of a over b among the runs, run by run (each list in the order the runs came).
function worst(mode, a, b, key,   n, m, x, y, i, r, w) {
    n = split(v[mode, a, key], x, " "); m = split(v[mode, b, key], y, " ")
    w = "-"
    for (i = 1; i <= n && i <= m; i++) if (y[i] + 0 > 0) { r = x[i] / y[i]; if (w == "-" || r > w) w = r }
    return w == "-" ? "-" : sprintf("%.2f", w)
}
function ncat_table() {
    printf "%-34s %12s %12s %12s %10s %10s\n", "measure", "SocketChat", "ncat --chat", "relay", "ours/ncat", "ours/relay"
    row("fanout deliveries/s (median)", "fanout", "deliveries_per_s")
    row("fanout lines lost (median)", "fanout", "lost")
    row("fanout lines duplicated (median)", "fanout", "duplicated")
    row("fanout p99 latency ms (median)", "fanout", "p99_ms")
    row("fanout server CPU s (median)", "fanout", "server_cpu_s")
    row("fanout log events per message", "fanout", "logged_per_message")
    row("heavy 10x25000 deliveries/s (median)", "heavy", "deliveries_per_s")
    row("heavy lines lost (median)", "heavy", "lost")
    row("heavy server CPU s (median)", "heavy", "server_cpu_s")
    row("heavy log events per message", "heavy", "logged_per_message")
    costs()
    row("steady p50 latency ms", "steady", "p50_ms")
    row("steady p99 latency ms", "steady", "p99_ms")
    row("steady max latency ms", "steady", "max_ms")
    row("steady lines lost", "steady", "lost")
    if (("join", "busy0", "p50_ms") in v) {
        print ""
        printf "%-34s %12s %12s\n", "join confirmed (ours only)", "idle", "busy 400 l/s"
        jrow("join p50 ms", "p50_ms"); jrow("join p90 ms", "p90_ms"); jrow("join p99 ms", "p99_ms"); jrow("join max ms", "max_ms")
        print ""
    }
    single("startup to listening, ms", "startup", "startup_ms")
    single("idle RSS, KiB", "startup", "idle_rss_kib")
    row("conns: held", "conns", "connections")
    row("conns: connects/s while filling", "conns", "connects_per_s")
    row("conns: KiB per idle connection", "conns", "kib_per_connection")
}
# Senders on one node, receivers on two others, against one server (SQLite, its default; and on Redis).
function cluster_table() {
    if (("fanout", "ours", "deliveries_per_s") in v) print ""
    printf "%-40s %12s %12s %12s %14s %14s\n", "measure (10 senders -> 40 receivers)", "one server", "one on Redis", "3 nodes", "3 nodes/one", "3 nodes/Redis"
    trow("fanout deliveries/s (median)", "split-fanout", "deliveries_per_s")
    trow("fanout lines lost (median)", "split-fanout", "lost")
    trow("fanout lines duplicated (median)", "split-fanout", "duplicated")
    trow("fanout lines out of order (median)", "split-fanout", "reordered")
    trow("fanout p99 latency ms (median)", "split-fanout", "p99_ms")
    trow("fanout servers' CPU s (median)", "split-fanout", "server_cpu_s")
    trow("fanout Redis CPU s (median)", "split-fanout", "redis_cpu_s")
    trow("fanout Redis commands per line", "split-fanout", "redis_commands_per_line")
    printf "%-40s\n", "steady (50 senders x 5/s -> 50 receivers)"
    trow("steady p50 latency ms", "split-steady", "p50_ms")
    trow("steady p99 latency ms", "split-steady", "p99_ms")
    trow("steady max latency ms", "split-steady", "max_ms")
    trow("steady lines lost", "split-steady", "lost")
    trow("steady lines duplicated", "split-steady", "duplicated")
    printf "%-40s %12s %12s %12s %14s %14s\n", "steady p99, 3 nodes/one, worst run", "-", "-", "-", worst("split-steady", "cluster", "single", "p99_ms"), worst("split-steady", "cluster", "single-redis", "p99_ms")
    trow("node round trips per line, fanout", "roundtrips-fanout", "redis_roundtrips_per_line")
    trow("node round trips per line, steady", "roundtrips-steady", "redis_roundtrips_per_line")
    if (("split-fanout", "cluster-wait", "deliveries_per_s") in v) {
        printf "\n%-40s %12s %12s %14s\n", "Chat:Storage:WaitForReplicas (3 nodes)", "0", "1, a replica", "1/0"
        wrow("fanout deliveries/s (median)", "split-fanout", "deliveries_per_s")
        wrow("fanout p99 latency ms (median)", "split-fanout", "p99_ms")
        wrow("fanout lines lost (median)", "split-fanout", "lost")
        wrow("fanout servers' CPU s (median)", "split-fanout", "server_cpu_s")
        wrow("fanout Redis commands per line", "split-fanout", "redis_commands_per_line")
        wrow("steady p50 latency ms", "split-steady", "p50_ms")
        wrow("steady p99 latency ms", "split-steady", "p99_ms")
        wrow("steady lines lost", "split-steady", "lost")
        wrow("node round trips per line, fanout", "roundtrips-fanout", "redis_roundtrips_per_line")
        wrow("node round trips per line, steady", "roundtrips-steady", "redis_roundtrips_per_line")
    }
}
function wrow(title, mode, key,   none, one) {
    none = median(v[mode, "cluster", key]); one = median(v[mode, "cluster-wait", key])
    printf "%-40s %12s %12s %14s\n", title, none, one, ratio(one, none)
}
function trow(title, mode, key,   one, redis, cluster) {
    one = median(v[mode, "single", key]); redis = median(v[mode, "single-redis", key]); cluster = median(v[mode, "cluster", key])
    printf "%-40s %12s %12s %12s %14s %14s\n", title, one, redis, cluster, ratio(cluster, one), ratio(cluster, redis)
}
# The server's CPU as a fixed cost per message plus one per delivery, solved from the two fan-out shapes:
# cpu = a * messages + b * deliveries.
function costs(   names, i, who, c1, c2, m1, m2, d1, d2, det, a, b) {
    split("ours ncat", names, " ")
    names[3] = "relay"
    for (i = 1; i <= 3; i++) {
        who = names[i]
        c1 = median(v["fanout", who, "server_cpu_s"]); c2 = median(v["heavy", who, "server_cpu_s"])
        m1 = median(v["fanout", who, "messages"]); m2 = median(v["heavy", who, "messages"])
        d1 = median(v["fanout", who, "deliveries"]); d2 = median(v["heavy", who, "deliveries"])
        det = m1 * d2 - m2 * d1
        if (c2 == "-" || det == 0) { a[who] = "-"; b[who] = "-"; continue }
        a[who] = (c1 * d2 - c2 * d1) / det * 1e6; b[who] = (m1 * c2 - m2 * c1) / det * 1e6
    }
    crow("CPU us per message (fixed)", a["ours"], a["ncat"], a["relay"])
    crow("CPU us per delivery", b["ours"], b["ncat"], b["relay"])
}
function ratio(a, b) { return (b != "-" && b + 0 > 0 && a != "-") ? sprintf("%.2f", a / b) : "-" }
function row(title, mode, key,   ours, theirs, relay) {
    ours = median(v[mode, "ours", key]); theirs = median(v[mode, "ncat", key]); relay = median(v[mode, "relay", key])
    printf "%-34s %12s %12s %12s %10s %10s\n", title, ours, theirs, relay, ratio(ours, theirs), ratio(ours, relay)
}
function crow(title, ours, theirs, relay) {
    printf "%-34s %12s %12s %12s %10s %10s\n", title, fmt(ours), fmt(theirs), fmt(relay), ratio(ours, theirs), ratio(ours, relay)
}
function fmt(x) { return x == "-" ? "-" : sprintf("%.3f", x) }
function single(title, mode, key) {
    printf "%-34s %12s %12s %12s %10s %10s\n", title, median(v[mode, "ours", key]), "-", "-", "-", "-"
}
function jrow(label, key) { printf "%-34s %12s %12s\n", label, median(v["join", "busy0", key]), median(v["join", "busy20", key]) }
