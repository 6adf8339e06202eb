#!/usr/bin/env bash
# Jaeger v2 (Apache-2.0), built from the Go module proxy for the end-to-end stack: OTLP in, trace storage, the
# query API (v3 and the UI's /api/traces), the spanmetrics connector and remote sampling in one binary. Its UI
# assets are not in the module, so its UI is a placeholder. Prints the binary's path; see
# scripts/lib/build-go-module.sh. Cold: about 5 minutes on 2 cores and ~3 GB of Go caches.
TOOL=jaeger
MODULE=github.com/jaegertracing/jaeger
PKG=$MODULE/cmd/jaeger
VERSION=${JAEGER_VERSION:-v1.76.0}
SMOKE=--help
# shellcheck source=lib/build-go-module.sh
source "$(dirname "$0")/lib/build-go-module.sh"
