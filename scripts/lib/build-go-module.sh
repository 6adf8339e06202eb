#!/usr/bin/env bash
# Builds a Go command from the Go module proxy and caches the binary outside the repository, keyed by version.
# Sourced by the scripts/build-<tool>.sh wrappers, which set:
#   TOOL (binary name), MODULE (module path), PKG (command package), VERSION, SMOKE (args that make the binary
#   exit 0, e.g. "-help"), optionally LDFLAGS.
#
# Prints the binary's path on stdout; all logging goes to stderr. Idempotent: a cached binary at
# ~/.cache/tracingops/<tool>-<version>/bin/<tool> is reused (TRACINGOPS_CACHE_DIR moves the cache).
#
# Technique (docs/go-builds.md): a throw-away wrapper module in a temp dir requires the upstream module at the
# pinned version, repeats its module->module `replace` and its `exclude` directives (local-path replaces cannot be
# repeated and are reported), and `go build`s the command package with GOFLAGS=-mod=mod, under `nice -n 19`.
#
# Exit codes: 0 built or cached; 2 missing tool (go/node);
#   3 the module version cannot be obtained from the Go module proxy (exact error printed);
#   4 dependency resolution failed; 5 compilation failed; 6 the built binary does not run.
set -euo pipefail

: "${TOOL:?}" "${MODULE:?}" "${PKG:?}" "${VERSION:?}" "${SMOKE:?}"
LDFLAGS=${LDFLAGS:-"-s -w"}

CACHE_ROOT=${TRACINGOPS_CACHE_DIR:-$HOME/.cache/tracingops}
DIR=$CACHE_ROOT/$TOOL-$VERSION
BIN=$DIR/bin/$TOOL

log() { printf '[build-%s] %s\n' "$TOOL" "$*" >&2; }
fail() { # code message...
  local code=$1; shift
  log "FAILED: $*"
  { date -u +%FT%TZ; printf '%s\n' "$*"; } >"$DIR/last-failure.txt" 2>/dev/null || true
  exit "$code"
}

# shellcheck disable=SC2086 # SMOKE is a word list on purpose
smoke() { "$1" $SMOKE >/dev/null 2>&1; }

if [[ -x $BIN ]] && smoke "$BIN"; then
  log "cached: $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "go not found on PATH"; exit 2; }
command -v node >/dev/null || { log "node not found on PATH (used to read go's JSON)"; exit 2; }

mkdir -p "$DIR/bin" "$DIR/logs"
exec 9>"$DIR/.lock"
flock 9 # another build of the same version waits here, then reuses its result
if [[ -x $BIN ]] && smoke "$BIN"; then log "built by a concurrent run: $BIN"; echo "$BIN"; exit 0; fi

renice -n 19 -p $$ >/dev/null 2>&1 || true # every step below runs at nice 19 (2 shared cores)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tracingops-$TOOL.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="${GOFLAGS:-} -mod=mod"
TIMINGS=$DIR/logs/timings.txt
: >"$TIMINGS"

# step NAME CMD... : runs CMD, tees its output to stderr and logs/NAME.log, records the duration.
# Always call it as `step ... || handle` so errexit stays off inside it.
step() {
  local name=$1; shift
  local t0 t1 rc
  t0=$(date +%s.%N)
  "$@" 2>&1 | tee "$DIR/logs/$name.log" >&2
  rc=${PIPESTATUS[0]}
  t1=$(date +%s.%N)
  local dt; dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  printf '%s %ss rc=%s\n' "$name" "$dt" "$rc" | tee -a "$TIMINGS" >&2
  return "$rc"
}

log "building $PKG@$VERSION into $DIR (go $(go env GOVERSION), work dir $WORK)"
cd "$WORK"
go mod init "tracingops.local/build/$TOOL" >/dev/null 2>&1

# 1. Fetch the upstream module (proves the proxy serves this version; gives us its go.mod).
step download go mod download -json "$MODULE@$VERSION" >/dev/null || true
DL_JSON=$DIR/logs/download.log
read_json() { node -e '
  const fs = require("fs"); const t = fs.readFileSync(process.argv[1], "utf8");
  const s = t.indexOf("{"); if (s < 0) process.exit(0);
  let j; try { j = JSON.parse(t.slice(s)); } catch { process.exit(0); }
  const v = j[process.argv[2]]; if (v !== undefined) process.stdout.write(String(v));
' "$DL_JSON" "$1"; }
ERR=$(read_json Error)
GOMOD=$(read_json GoMod)
RESOLVED=$(read_json Version)
if [[ -n $ERR || -z $GOMOD ]]; then
  fail 3 "go mod download $MODULE@$VERSION: ${ERR:-no go.mod returned (see $DL_JSON)}"
fi
log "upstream go.mod: $GOMOD ($RESOLVED)"

# 2. Wrapper module: require upstream, repeat its replace/exclude directives and go version.
node -e '
  const { execFileSync } = require("child_process");
  const m = JSON.parse(execFileSync("go", ["mod", "edit", "-json", process.argv[1]], { encoding: "utf8" }));
  const out = [];
  if (m.Go) out.push(["go", m.Go]);
  for (const r of m.Replace || []) {
    const oldSpec = r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "");
    if (!r.New.Version) { out.push(["local", oldSpec + " => " + r.New.Path]); continue; }
    out.push(["replace", oldSpec + "=" + r.New.Path + "@" + r.New.Version]);
  }
  for (const e of m.Exclude || []) out.push(["exclude", e.Path + "@" + e.Version]);
  for (const [k, v] of out) console.log(k + "\t" + v);
' "$GOMOD" >"$DIR/logs/directives.tsv"
go mod edit -require="$MODULE@$RESOLVED"
while IFS=$'\t' read -r kind spec; do
  case $kind in
    go) go mod edit -go="$spec" ;;
    replace) go mod edit -replace="$spec"; log "replace $spec" ;;
    exclude) go mod edit -exclude="$spec"; log "exclude $spec" ;;
    local) log "skipped local-path replace (not on the proxy): $spec" ;;
  esac
done <"$DIR/logs/directives.tsv"
cp go.mod "$DIR/logs/wrapper.go.mod"

# 3. Resolve and download every dependency of the command package.
MODCACHE=$(go env GOMODCACHE)
before=$(du -sm "$MODCACHE" 2>/dev/null | cut -f1 || echo 0)
list_modules() {
  go list -deps -f '{{with .Module}}{{.Path}} {{.Version}}{{end}}' "$PKG" | sort -u >"$DIR/logs/modules.txt"
}
step deps list_modules ||
  fail 4 "resolving dependencies of $PKG@$RESOLVED: $(tail -n 5 "$DIR/logs/deps.log")"
after=$(du -sm "$MODCACHE" 2>/dev/null | cut -f1 || echo 0)
log "$(wc -l <"$DIR/logs/modules.txt") modules; module cache grew by $((after - before)) MiB"
echo "modcache_delta_mib $((after - before))" >>"$TIMINGS"

# 4. Compile.
step compile nice -n 19 go build -trimpath -ldflags "$LDFLAGS" -o "$BIN.partial" "$PKG" ||
  fail 5 "go build $PKG@$RESOLVED: $(tail -n 20 "$DIR/logs/compile.log")"
smoke "$BIN.partial" || fail 6 "$BIN.partial $SMOKE did not exit 0"
mv -f "$BIN.partial" "$BIN"
echo "binary_bytes $(stat -c %s "$BIN")" >>"$TIMINGS"
rm -f "$DIR/last-failure.txt"
log "built $BIN ($(du -h "$BIN" | cut -f1)); timings in $TIMINGS"
echo "$BIN"
