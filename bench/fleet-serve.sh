#!/usr/bin/env bash
# The whole product at fleet scale: `serve` of the shaded jar reading a generated Windows Event Forwarding export
# (bench/XmlReaderBenchmark.java's generator: NIGHTS nightly backups per server, half the events from other
# providers), one-shot and with --source.follow, under the heap a user would give it. Per run, with a fresh
# --storage.path: seconds until /-/ready answers 200, the series and bytes of one scrape, wrk with 8 connections
# sending Accept-Encoding: gzip (as Prometheus does) after a 5 s warm-up, the CPU the process uses in 10 s without
# scrapes, its peak RSS (VmHWM over the whole run, reading included), the state file's size, and one commit of that
# state timed on its own (bench/CommitTime.java: the part under the engine's lock, and the JSON and fsynced write
# outside it). Prints one row per run and the medians.
#
#   mvn -q -ntp package -DskipTests
#   bench/fleet-serve.sh [RUNS] [SECONDS] [SERVERS:HEAP ...]   # defaults: 3 30 1000:64m 5000:128m
#
# Exports are kept in target/fleet/ and reused; JAR=FILE measures another build of the jar. Needs wrk, curl and a JDK.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-3}
SECONDS_PER_RUN=${2:-30}
shift $(( $# < 2 ? $# : 2 ))
SIZES=("$@")
[[ $# -gt 0 ]] || SIZES=(1000:64m 5000:128m)
NIGHTS=${NIGHTS:-14}
JAR=${JAR:-target/exchange-vss-exporter.jar}
WORK=target/fleet
[[ -f $JAR ]] || { echo "build the jar first: mvn -q -ntp package -DskipTests" >&2; exit 2; }
for tool in wrk curl java; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
mkdir -p "$WORK"

SERVER_PID=
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
STORAGE=
cleanup() {
    stop_server
    [[ -z $STORAGE ]] || rm -rf "$STORAGE"
}
trap cleanup EXIT
trap "exit 143" TERM INT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"
}

# one_run SERVERS HEAP MODE EXPORT: prints the run's values, space-separated (see HEADER).
HEADER="ready_s series text_MB gzip_kB scrapes_per_s p50_ms p99_ms errors idle_cpu_pct peak_rss_MB state_MB commit_locked_ms commit_outside_ms"
one_run() {
    local servers=$1 heap=$2 mode=$3 export=$4 port follow=()
    port=$(free_port)
    [[ $mode == follow ]] && follow=(--source.follow)
    STORAGE=$(mktemp -d)
    local log=$WORK/serve-$servers-$mode.log
    local start=$EPOCHREALTIME
    java "-Xmx$heap" -jar "$JAR" serve --source "xml:$export" "${follow[@]}" --storage.path "$STORAGE" \
        --web.listen-address "127.0.0.1:$port" >"$log" 2>&1 &
    SERVER_PID=$!
    local ready=
    for _ in $(seq 6000); do
        if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready" || true) == 200 ]]; then
            ready=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
            break
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$log" >&2; return 1; }
        sleep 0.1
    done
    [[ -n $ready ]] || { echo "not ready after 10 minutes" >&2; return 1; }
    local series text_mb gzip_kb
    series=$(curl -s "http://127.0.0.1:$port/metrics" | grep -vc '^#')
    text_mb=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/metrics" | awk '{ printf "%.1f", $1 / 1e6 }')
    gzip_kb=$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}' "http://127.0.0.1:$port/metrics" \
        | awk '{ printf "%.0f", $1 / 1e3 }')
    local ticks_before ticks_after
    ticks_before=$(cpu_ticks)
    sleep 10
    ticks_after=$(cpu_ticks)
    local idle_cpu
    idle_cpu=$(awk -v a="$ticks_before" -v b="$ticks_after" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.1f", (b - a) / hz / 10 * 100 }')
    wrk_run "$port" 8 5 >/dev/null
    local rps p50 p99 errors
    read -r rps p50 p99 errors < <(wrk_run "$port" 8 "$SECONDS_PER_RUN")
    local rss
    rss=$(peak_rss_mb)
    stop_server
    local state_mb commit
    state_mb=$(stat -c %s "$STORAGE/state.json" | awk '{ printf "%.1f", $1 / 1e6 }')
    commit=$(java "-Xmx$heap" -cp "$JAR" bench/CommitTime.java "$STORAGE" | awk '{ print $1, $2 }')
    rm -rf "$STORAGE"
    STORAGE=
    echo "$ready $series $text_mb $gzip_kb $rps $p50 $p99 $errors $idle_cpu $rss $state_mb $commit"
}

echo "$RUNS runs per row, wrk 8 connections x ${SECONDS_PER_RUN}s (gzip) after a 5 s warm-up; $(nproc) cores;" \
    "$(java -version 2>&1 | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
SUMMARY=()
for size in "${SIZES[@]}"; do
    servers=${size%%:*}
    heap=${size#*:}
    export=$WORK/forwarded-events-$servers-$NIGHTS.xml
    if [[ ! -s $export ]]; then
        java -cp "$JAR" bench/XmlReaderBenchmark.java "$servers" "$NIGHTS" --write "$export.tmp"
        mv "$export.tmp" "$export"
    fi
    events=$(grep -o '<Event ' "$export" | wc -l)
    echo
    echo "$servers servers, $NIGHTS nights: $events events, $(( $(stat -c %s "$export") / 1000000 )) MB; -Xmx$heap"
    for mode in one-shot follow; do
        echo "$mode: $HEADER"
        results=()
        for run in $(seq "$RUNS"); do
            results+=("$(one_run "$servers" "$heap" "$mode" "$export")")
            echo "  run $run: ${results[-1]}  (load $(cut -d' ' -f1 /proc/loadavg))"
        done
        medians=()
        for column in $(seq 13); do
            medians+=("$(printf '%s\n' "${results[@]}" | awk -v c="$column" '{ print $c }' | median)")
        done
        SUMMARY+=("$(printf '| %s | -Xmx%s | %s |' "$servers" "$heap" "$mode")$(printf ' %s |' "${medians[@]}")")
    done
done
echo
echo "medians; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| servers | heap | source |$(printf ' %s |' $HEADER)"
echo "|---|---|---|$(printf -- '---:|%.0s' $(seq 13))"
printf '%s\n' "${SUMMARY[@]}"
