#!/usr/bin/env bash
# XML input: reader throughput against an earlier build and plain StAX passes (bench/XmlReaderBenchmark.java),
# then diagnose's time and peak RSS on the same generated export, earlier build and this one side by side.
#
#   bench/xml-input.sh [SERVERS] [NIGHTS] [ROUNDS]      (defaults: 1000 14 7)
#   BASELINE=<git revision> to compare with another build (default: the last one with a reader per event).
set -euo pipefail
cd "$(dirname "$0")/.."
servers=${1:-1000}
nights=${2:-14}
rounds=${3:-7}
baseline=${BASELINE:-e59c679}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/baseline"
git archive "$baseline" | tar -x -C "$work/baseline"
(cd "$work/baseline" && mvn -q -ntp compile)
mvn -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
# Woodstox is only measured, not used: fetched into the local repository for its row.
mvn -q -ntp dependency:get -Dartifact=com.fasterxml.woodstox:woodstox-core:7.1.1 >/dev/null
woodstox=$HOME/.m2/repository/com/fasterxml/woodstox/woodstox-core/7.1.1/woodstox-core-7.1.1.jar
deps=$(cat target/bench.cp)

java -cp "target/classes:target/test-classes:$deps:$woodstox" bench/XmlReaderBenchmark.java \
    "$servers" "$nights" "$rounds" --baseline "$work/baseline/target/classes" --keep "$work/export.xml" --no-evtx

echo
echo "| diagnose of the export | JVM options | run | exit | wall s | max RSS MB |"
echo "|---|---|---:|---:|---:|---:|"
diagnose() { # build, JVM options, run
    local classes=target/classes
    [ "$1" = baseline ] && classes=$work/baseline/target/classes
    local code=0
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$work/time.txt" java $2 -cp "$classes:$deps" io.github.exchangevss.Main \
        diagnose "$work/export.xml" > "$work/report-$1.txt" 2> "$work/err-$1.txt" || code=$?
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
    echo "| $1 | ${2:-(defaults)} | $3 | $code | $wall | $rss |"
}
for run in 1 2 3; do
    diagnose baseline "" "$run"
    diagnose current "" "$run"
    diagnose current "-Xmx128m" "$run"
done
diagnose baseline "-Xmx128m" 1
grep -m1 -o "OutOfMemoryError[^)]*" "$work/err-baseline.txt" || true
diagnose baseline "" 4 > /dev/null
if diff -q "$work/report-baseline.txt" "$work/report-current.txt" > /dev/null; then
    echo "the two builds' reports are identical"
else
    echo "the reports differ:"; diff "$work/report-baseline.txt" "$work/report-current.txt" | head -20
fi
grep -c "STUCK" "$work/report-current.txt" | sed 's/^/stuck computers: /'
