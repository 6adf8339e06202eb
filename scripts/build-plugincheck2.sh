#!/usr/bin/env bash
# Grafana's plugin validator, built from the Go module proxy (docs/plugin-validator.md: the proxy refuses it today,
# so this exits 3 with the proxy's answer). Prints the binary's path; see scripts/lib/build-go-module.sh.
#   bin=$(scripts/build-plugincheck2.sh) && "$bin" -jsonOutput -config cfg.yaml plugin.zip
TOOL=plugincheck2
MODULE=github.com/grafana/plugin-validator
PKG=$MODULE/pkg/cmd/plugincheck2
VERSION=${PLUGINCHECK2_VERSION:-v0.31.0}
SMOKE=-help
# shellcheck source=lib/build-go-module.sh
source "$(dirname "$0")/lib/build-go-module.sh"
