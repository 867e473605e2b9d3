#!/bin/sh
# Copy a pinned Apache ECharts into src/ihome/static/vendor/echarts/ (served by the app; no CDN).
#   scripts/vendor_echarts.sh            # the pinned version
#   ECHARTS_VERSION=6.1.0 scripts/vendor_echarts.sh
# Needs npm (node 20 or Debian's npm). Commit the two copied files with any version change.
set -eu
VERSION="${ECHARTS_VERSION:-6.1.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/src/ihome/static/vendor/echarts"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "echarts@$VERSION" >/dev/null
tar -xzf "echarts-$VERSION.tgz"
mkdir -p "$DEST"
cp package/dist/echarts.min.js "$DEST/echarts.min.js"
cp package/LICENSE "$DEST/LICENSE"
[ -f package/NOTICE ] && cp package/NOTICE "$DEST/NOTICE"
echo "$VERSION" > "$DEST/VERSION"
echo "echarts $VERSION copied to $DEST"
