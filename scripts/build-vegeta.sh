#!/usr/bin/env bash
# Vegeta (MIT), an open-loop HTTP load generator, built from the Go module proxy for the controller benchmark: it
# sends requests at a fixed rate whether or not earlier ones were answered, so a latency percentile at that rate is
# not hidden by the generator waiting (coordinated omission). Prints the binary's path; see
# scripts/lib/build-go-module.sh.
TOOL=vegeta
MODULE=github.com/tsenart/vegeta/v12
PKG=$MODULE
VERSION=${VEGETA_VERSION:-v12.13.0}
SMOKE=-version
# shellcheck source=lib/build-go-module.sh
source "$(dirname "$0")/lib/build-go-module.sh"
