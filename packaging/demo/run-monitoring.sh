#!/usr/bin/env bash
# The demo with real monitoring, in one command: the exporter's built-in scenario, Prometheus with the shipped
# alert rules, Alertmanager with the example routing and inhibitions (alerts/alertmanager.yml), and a webhook
# that prints every notification here. Needs Java 17, the built jar (mvn package) and the Debian packages
# prometheus and prometheus-alertmanager. Stop with Ctrl-C; everything started is stopped with it.
set -euo pipefail

usage() {
  cat <<USAGE
usage: packaging/demo/run-monitoring.sh [--fast] [--dir DIR] [--jar JAR]
         [--exporter-port N] [--prometheus-port N] [--alertmanager-port N] [--webhook-port N]

  --fast     cut every rule's for: to 10s (a demo rules override): the stuck alerts notify within about
             a minute instead of about six
  --dir      working directory for the configurations, data and logs (default: a new temporary one)
  --jar      the exporter jar (default: target/exchange-vss-exporter.jar)
  ports      default 19607 (exporter), 9090 (Prometheus), 9093 (Alertmanager), 9095 (webhook); all on 127.0.0.1
USAGE
}

root="$(cd "$(dirname "$0")/../.." && pwd)"
fast=false
dir=""
jar="$root/target/exchange-vss-exporter.jar"
exporter_port=19607
prometheus_port=9090
alertmanager_port=9093
webhook_port=9095
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=true ;;
    --dir) dir="$2"; shift ;;
    --jar) jar="$2"; shift ;;
    --exporter-port) exporter_port="$2"; shift ;;
    --prometheus-port) prometheus_port="$2"; shift ;;
    --alertmanager-port) alertmanager_port="$2"; shift ;;
    --webhook-port) webhook_port="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-monitoring.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "run-monitoring.sh: $1 not found; $2" >&2; exit 1; }
}
need java "install a Java 17 runtime"
need prometheus "apt-get install prometheus"
need prometheus-alertmanager "apt-get install prometheus-alertmanager"
[ -f "$jar" ] || { echo "run-monitoring.sh: $jar not found; build it with: mvn -q package -DskipTests" >&2; exit 1; }

[ -n "$dir" ] || dir="$(mktemp -d -t exchange-vss-demo.XXXXXX)"
mkdir -p "$dir/prometheus-data" "$dir/alertmanager-data"

# The shipped rules; with --fast every for: is cut to 10s.
if $fast; then
  sed -E 's/^([[:space:]]+)for: [0-9a-z]+$/\1for: 10s/' "$root/alerts/exchange-vss.rules.yml" > "$dir/exchange-vss.rules.yml"
else
  cp "$root/alerts/exchange-vss.rules.yml" "$dir/exchange-vss.rules.yml"
fi

cat > "$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files: [exchange-vss.rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ['127.0.0.1:$alertmanager_port']}]
scrape_configs:
  - job_name: exchange-vss
    static_configs: [{targets: ['127.0.0.1:$exporter_port']}]
YAML

# The example's routes and inhibitions as shipped; each receiver becomes the webhook at /RECEIVER.
cp "$root/alerts/exchange-vss.tmpl" "$dir/"
{
  sed '/^receivers:/,$d' "$root/alerts/alertmanager.yml"
  echo "receivers:"
  sed -n '/^receivers:/,$p' "$root/alerts/alertmanager.yml" | sed -n 's/^  - name: *//p' | while read -r name; do
    printf '  - name: %s\n    webhook_configs: [{url: "http://127.0.0.1:%s/%s"}]\n' "$name" "$webhook_port" "$name"
  done
} > "$dir/alertmanager.yml"

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java -cp "$jar" "$root/packaging/demo/DemoWebhook.java" "$webhook_port" &
pids+=($!)
java -jar "$jar" demo --web.listen-address="127.0.0.1:$exporter_port" > "$dir/exporter.log" 2>&1 &
pids+=($!)
prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/alertmanager-data" \
  --web.listen-address="127.0.0.1:$alertmanager_port" --cluster.listen-address= > "$dir/alertmanager.log" 2>&1 &
pids+=($!)
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prometheus-data" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$dir/prometheus.log" 2>&1 &
pids+=($!)

cat <<INFO
exporter      http://127.0.0.1:$exporter_port/
prometheus    http://127.0.0.1:$prometheus_port/alerts
alertmanager  http://127.0.0.1:$alertmanager_port/
files, logs   $dir
rules         $($fast && echo "shipped, every for: cut to 10s (--fast)" || echo "as shipped (the stuck alerts notify after about six minutes)")
Notifications follow, one line per alert. Ctrl-C stops everything.
INFO
wait -n "${pids[@]}"
echo "run-monitoring.sh: a process ended; see the logs in $dir" >&2
exit 1
