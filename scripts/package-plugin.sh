#!/usr/bin/env bash
# Packages the built dist/ as Grafana expects a plugin archive: one top-level folder named after the plugin id.
# Usage: scripts/package-plugin.sh  → prints the zip's path (build first with `npm run build`).
set -euo pipefail
cd "$(dirname "$0")/.."
id=$(node -p "require('./dist/plugin.json').id")
version=$(node -p "require('./dist/plugin.json').info.version")
out="$PWD/$id-$version.zip"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r dist "$stage/$id"
rm -f "$out"
(cd "$stage" && zip -qr "$out" "$id")
echo "$out"
