#!/bin/sh
# Installs the tools the monitoring checks need (promtool, amtool, prometheus, prometheus-alertmanager) from
# Debian. Called by .ci/run before `mvn verify`; MonitoringContentTest and MonitoringStackIT fail under CI=true
# when they are missing. The packages' services are not started (the tests run their own instances).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager
# Debian's postinst may start the daemons where systemd runs; stop them so they hold no ports.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop prometheus prometheus-alertmanager || true
fi
promtool --version | head -1
amtool --version | head -1
