#!/usr/bin/env bash
# Checks the Prometheus alert rules with the real promtool: syntax
# (promtool check rules) and behaviour (promtool test rules). Installs
# Debian's prometheus package for promtool when it is missing.
set -euo pipefail
cd "$(dirname "$0")/prometheus"
if ! command -v promtool >/dev/null 2>&1; then
  echo "installing promtool (Debian package prometheus)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
promtool --version 2>&1 | head -1
for rules in *-alerts.yaml; do
  promtool check rules "$rules"
done
for tests in *_test.yaml; do
  promtool test rules "$tests"
done
