#!/bin/sh
# The Debian packages the test suite needs: PostgreSQL (a private cluster per test run), Chromium
# (browser tests) and a CJK font (Chinese pages render as boxes without one). Root installs what is
# missing; anyone else is told exactly what to install.
set -eu
missing=""
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$missing fonts-wqy-microhei"
# `make scale` also needs nginx (the load balancer in front of two nodes)
[ -z "${IHOME_SCALE_DEPS:-}" ] || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" = "0" ]; then
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "The tests need these Debian packages:$missing" >&2
  echo "Install them as root:  sudo apt-get install -y$missing" >&2
  exit 1
fi
