#!/usr/bin/env bash
# Installs the Debian packages the app (`run`) or the tests (`test`) need when any is missing:
# Graphviz for the process diagram, HarfBuzz subset for WeasyPrint; for tests also the
# PostgreSQL server, Chromium, poppler and ClamAV's daemon (tests start their own clamd).
# Idempotent and quiet when everything is there.
set -euo pipefail
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
ldconfig -p | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
if [ "${1:-test}" = "test" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  [ -x /usr/sbin/clamd ] || command -v clamd >/dev/null 2>&1 || need+=(clamav-daemon)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
