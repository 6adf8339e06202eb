#!/usr/bin/env bash
# Build Tempo (github.com/grafana/tempo/cmd/tempo) for the bare-metal stack test (issue 8).
#
# Usage: tests/stack/build-tempo.sh   -> prints the binary path on stdout and exits 0, or
#        exits 3 ("cannot be obtained on this machine") with the reason on stderr.
#
# Status (measured 2026-11-24, see docs/go-builds.md): NOT BUILT, on purpose.
#  - Tempo is AGPL-3.0, and this workplace's list of Go modules marks github.com/grafana/tempo
#    "not-to-use: it is under the AGPL; use something else". We follow that row: this script
#    downloads no Tempo source and builds nothing.
#  - Version facts, for the record: Tempo's module path has no /v2 suffix, so a v2.x tag is not
#    a valid Go module version (the tag query v2.9.0 is answered 403 by the proxy here); v2.9.0
#    is only reachable as the pseudo-version below, whose .info/.mod/.zip the proxy does serve.
#  - The generic wrapper-module build (repeat upstream replace/exclude, GOFLAGS=-mod=mod,
#    nice -n 19, cache ~/.cache/tracingops/<tool>-<version>/) is scripts/build-plugincheck2.sh.
# The script re-checks the proxy's metadata (no source download) so the message stays current.
set -uo pipefail

TOOL=tempo
MODULE=github.com/grafana/tempo
TAG=v2.9.0
PSEUDO=v1.5.1-0.20251008140505-607c7fb69662 # = tag v2.9.0 (commit 607c7fb69662)

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
  probe "$MODULE@$PSEUDO"
}
ROW=$(grep -h "^$MODULE	" /work/.library/env/packages/go-partial.tsv 2>/dev/null | head -n 1 | cut -f2,3 | tr '\t' ' ')
log "NOT BUILT: $MODULE is AGPL-3.0; the workplace Go module list says: ${ROW:-not-to-use / use something else}"
log "use a substitute for issue 8 (see docs/go-builds.md) and skip the Tempo-specific steps"
exit 3
