# Shell helpers shared by the scrape benchmarks; sourced, not run. The caller sets SERVER_PID.

stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

# Peak resident memory of the server so far, in MB.
peak_rss_mb() {
    awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"
}

# wrk_run PORT CONNECTIONS SECONDS: prints "req_per_s p50_ms p99_ms errors".
wrk_run() {
    wrk -t2 "-c$2" "-d$3s" --timeout 10s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$1/metrics" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec/ { rps = $2 }
        /Socket errors/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
        /Non-2xx/ { errors += $5 }
        END { printf "%.1f %.2f %.2f %d\n", rps, p50, p99, errors }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
