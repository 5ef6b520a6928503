#!/usr/bin/env bash
# Scrape cost of the exporter's HTTP server against a bare simpleclient 0.16 HTTPServer serving the same collector
# (the same series) and the JVM metrics, each in its own JVM with the same flags, loaded with wrk as Prometheus
# scrapes (Accept-Encoding: gzip). Prints one table row per measurement: medians of RUNS runs after a warm-up run.
#
#   mvn -q -ntp package -DskipTests
#   bench/scrape-bench.sh [RUNS] [SECONDS]        # defaults: 5 runs of 10 s
#
# Needs wrk and a JDK (javac). Ports 19790-19799 on 127.0.0.1 must be free.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
SECONDS_PER_RUN=${2:-10}
JAR=target/exchange-vss-exporter.jar
CLASSES=target/bench
[[ -f $JAR ]] || { echo "build the jar first: mvn -q -ntp package -DskipTests" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }
mkdir -p "$CLASSES"
javac -d "$CLASSES" -cp "$JAR" bench/ScrapeBenchmark.java

SERVER_PID=
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap stop_server EXIT

# start_server KIND SERVERS HEAP PORT: runs the server in the background until it has loaded its state.
start_server() {
    local log=$CLASSES/$1-$2.log
    java "-Xmx$3" -cp "$JAR:$CLASSES" ScrapeBenchmark "$1" "$2" "$4" >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do
        grep -q '^ready' "$log" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.2
    done
    echo "server $1 $2 did not start" >&2
    return 1
}

# measure KIND SERVERS HEAP PORT CONNECTIONS: warm-up, RUNS runs; sets RPS P50 P99 ERRORS RSS (medians; errors summed).
measure() {
    start_server "$1" "$2" "$3" "$4"
    wrk_run "$4" "$5" 5 >/dev/null
    local results=()
    for _ in $(seq "$RUNS"); do
        results+=("$(wrk_run "$4" "$5" "$SECONDS_PER_RUN")")
    done
    RPS=$(printf '%s\n' "${results[@]}" | awk '{print $1}' | median)
    P50=$(printf '%s\n' "${results[@]}" | awk '{print $2}' | median)
    P99=$(printf '%s\n' "${results[@]}" | awk '{print $3}' | median)
    ERRORS=$(printf '%s\n' "${results[@]}" | awk '{s += $4} END {print s + 0}')
    RSS=$(peak_rss_mb)
    stop_server
}

row() {
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"
}

echo "runs: $RUNS x ${SECONDS_PER_RUN}s after a 5 s warm-up; $(nproc) cores; $(java -version 2>&1 | head -1)"
echo
row "Servers" "Server" "Heap" "Connections" "Scrapes/s (median)" "p50 ms" "p99 ms" "Errors / peak RSS MB"
row "---" "---" "---" "---" "---" "---" "---" "---"

measure exporter 5000 128m 19790 8
row 5000 exporter 128m 8 "$RPS" "$P50" "$P99" "$ERRORS / $RSS"
measure simpleclient 5000 128m 19791 8
row 5000 "bare simpleclient HTTPServer" 128m 8 "$RPS" "$P50" "$P99" "$ERRORS / $RSS"

measure exporter 1000 64m 19792 8
EXPORTER_RPS=$RPS
row 1000 exporter 64m 8 "$RPS" "$P50" "$P99" "$ERRORS / $RSS"
measure simpleclient 1000 64m 19793 8
row 1000 "bare simpleclient HTTPServer" 64m 8 "$RPS" "$P50" "$P99" "$ERRORS / $RSS"
echo
awk -v a="$EXPORTER_RPS" -v b="$RPS" 'BEGIN { printf "1,000 servers, -Xmx64m: exporter / bare simpleclient = %s\n", (b > 0 ? sprintf("%.1fx", a / b) : "inf (the reference answered nothing)") }'

echo
start_server exporter 1000 64m 19794
java -cp "$JAR:$CLASSES" ScrapeBenchmark slow-headers 19794 50 "$((RUNS * 5))"
stop_server

echo
start_server exporter 1000 64m 19795
wrk_run 19795 200 5 >/dev/null
read -r rps p50 p99 errors < <(wrk_run 19795 200 60)
echo "200 connections x 60 s, 1,000 servers, -Xmx64m: $rps scrapes/s, p50 $p50 ms, p99 $p99 ms, errors $errors, peak RSS $(peak_rss_mb) MB"
stop_server
