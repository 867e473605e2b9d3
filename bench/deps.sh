#!/bin/sh
# What `make bench` needs beyond the test suite's packages: wrk, the load generator for the
# throughput scenarios (a Python client would take the CPU the server is measured on).
# Root installs it when missing; anyone else is told how (the bench then falls back to Python).
set -eu
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "installing Debian package: wrk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wrk >/dev/null
else
  echo "The benchmark measures throughput with wrk: sudo apt-get install -y wrk" >&2
  exit 1
fi
