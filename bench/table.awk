# Turns the RESULT lines of bench/compare.sh into a table with ours/ncat ratios (medians over rounds).
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    if (n == 0) return "-"
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "RESULT" {
    mode = $2; who = $3
    for (i = 4; i <= NF; i++) { split($i, kv, "="); v[mode, who, kv[1]] = v[mode, who, kv[1]] " " kv[2] }
}
END {
    if (("fanout", "ours", "deliveries_per_s") in v) ncat_table()
    if (("split-fanout", "cluster", "deliveries_per_s") in v) cluster_table()
}
function ncat_table() {
    printf "%-34s %14s %14s %10s\n", "measure", "SocketChat", "ncat --chat", "ours/ncat"
    row("fanout deliveries/s (median)", "fanout", "deliveries_per_s")
    row("fanout lines lost (median)", "fanout", "lost")
    row("fanout lines duplicated (median)", "fanout", "duplicated")
    row("fanout p99 latency ms (median)", "fanout", "p99_ms")
    row("fanout server CPU s (median)", "fanout", "server_cpu_s")
    row("steady p50 latency ms", "steady", "p50_ms")
    row("steady p99 latency ms", "steady", "p99_ms")
    row("steady max latency ms", "steady", "max_ms")
    row("steady lines lost", "steady", "lost")
    single("startup to listening, ms", "startup", "startup_ms")
    single("idle RSS, KiB", "startup", "idle_rss_kib")
    single("conns: held", "conns", "connections")
    single("conns: connects/s while filling", "conns", "connects_per_s")
    single("conns: KiB per idle connection", "conns", "kib_per_connection")
}
# Senders on one node, receivers on two others, against one server (SQLite, its default; and on Redis).
function cluster_table() {
    if (("fanout", "ours", "deliveries_per_s") in v) print ""
    printf "%-40s %12s %12s %12s %14s\n", "measure (10 senders -> 40 receivers)", "one server", "one on Redis", "3 nodes", "3 nodes/one"
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
    trow("node round trips per line, fanout", "roundtrips-fanout", "redis_roundtrips_per_line")
    trow("node round trips per line, steady", "roundtrips-steady", "redis_roundtrips_per_line")
}
function trow(title, mode, key,   one, redis, cluster) {
    one = median(v[mode, "single", key]); redis = median(v[mode, "single-redis", key]); cluster = median(v[mode, "cluster", key])
    printf "%-40s %12s %12s %12s %14s\n", title, one, redis, cluster, (one + 0 > 0 ? sprintf("%.2f", cluster / one) : "-")
}
function row(title, mode, key,   ours, theirs) {
    ours = median(v[mode, "ours", key]); theirs = median(v[mode, "ncat", key])
    printf "%-34s %14s %14s %10s\n", title, ours, theirs, (theirs + 0 > 0 ? sprintf("%.2f", ours / theirs) : "-")
}
function single(title, mode, key) {
    printf "%-34s %14s %14s %10s\n", title, median(v[mode, "ours", key]), "-", "-"
}
