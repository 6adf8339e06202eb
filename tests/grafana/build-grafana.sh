#!/usr/bin/env bash
# Build the Grafana server (github.com/grafana/grafana/pkg/cmd/grafana, 13.2.x to match our
# @grafana/* 13.2.2) for the integration tests of issue 9.
#
# Usage: tests/grafana/build-grafana.sh   -> prints the binary path on stdout and exits 0, or
#        exits 3 ("cannot be obtained on this machine") with the reason on stderr.
#
# Status (measured 2026-11-24, see docs/go-builds.md): CANNOT BE BUILT HERE.
#  - The Go module proxy refuses github.com/grafana/grafana: `@v/list` and `@v/v13.2.2.info`
#    answer "403 Forbidden / This module version is not available", and so do its nested
#    modules (e.g. github.com/grafana/grafana/pkg/apimachinery).
#  - Grafana is AGPL-3.0, and this workplace's list of Go modules marks github.com/grafana/grafana
#    "not-to-use: it is under the AGPL; use something else". So no other route is sought, and
#    nothing is downloaded or built.
#  - Version facts, for the record: Grafana's go.mod (as far as we could read it) declares the path
#    without a /v13 suffix, so v13.2.2 would not be a valid
#    Go module version at all; a build would have to pin the tag's commit as a v0/v1
#    pseudo-version and repeat the replace/exclude directives of its go.mod (docs/go-builds.md).
# The script re-checks the proxy's metadata (no source download) so the message stays current.
set -uo pipefail

TOOL=grafana
MODULE=github.com/grafana/grafana
TAG=v13.2.2

log() { printf '[build-%s] %s\n' "$TOOL" "$*" >&2; }
probe() { # metadata only: go list -m fetches the .info, never the module zip
  local out t0 t1
  t0=$(date +%s.%N)
  out=$(GOFLAGS=-mod=mod go list -m -json "$1" 2>&1)
  t1=$(date +%s.%N)
  local dt; dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  if grep -q '"Error"\|403\|invalid version' <<<"$out" || ! grep -q '"Version"' <<<"$out"; then
    log "proxy: $1 -> refused (${dt}s): $(grep -o '"Error": ".*"\|go: .*' <<<"$out" | head -n 2 | tr '\n' ' ')"
  else
    log "proxy: $1 -> served (${dt}s, metadata only)"
  fi
}

command -v go >/dev/null && {
  probe "$MODULE@$TAG"
  probe "$MODULE@latest"
  probe "$MODULE/pkg/apimachinery@latest"
}
ROW=$(grep -h "^$MODULE	" /work/.library/env/packages/go-partial.tsv 2>/dev/null | head -n 1 | cut -f2,3 | tr '\t' ' ')
log "NOT BUILT: $MODULE is refused by the Go module proxy here and is AGPL-3.0; the workplace Go module list says: ${ROW:-not-to-use / use something else}"
log "issue 9 cannot be done on these machines: keep the simulated Grafana and mark the issue blocked with this evidence"
exit 3
