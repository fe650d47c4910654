# Turns the RESULT lines of bench/compare.sh into a table with ours/ncat ratios (medians over rounds).
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "RESULT" {
    mode = $2; who = $3
    for (i = 4; i <= NF; i++) { split($i, kv, "="); v[mode, who, kv[1]] = v[mode, who, kv[1]] " " kv[2] }
}
END {
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
function row(title, mode, key,   ours, theirs) {
    ours = median(v[mode, "ours", key]); theirs = median(v[mode, "ncat", key])
    printf "%-34s %14s %14s %10s\n", title, ours, theirs, (theirs + 0 > 0 ? sprintf("%.2f", ours / theirs) : "-")
}
function single(title, mode, key) {
    printf "%-34s %14s %14s %10s\n", title, median(v[mode, "ours", key]), "-", "-"
}
