#!/usr/bin/env bash
# Static checks for the code that is neither TypeScript nor config: `shellcheck` on the shell scripts (`*.sh` and
# `.ci/run`, with .shellcheckrc), and `gofmt -l` plus `go vet` on every Go module in the repository (the demo's Go
# service, the controller tests' Go sampler). Exits non-zero and names the files on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=0

mapfile -t scripts < <(git ls-files -- '*.sh' .ci/run)
echo "shellcheck: ${#scripts[@]} scripts"
shellcheck "${scripts[@]}" || failed=1

mapfile -t modules < <(git ls-files -- '*go.mod' | xargs -n 1 dirname)
for module in "${modules[@]}"; do
  echo "gofmt, go vet: $module"
  unformatted=$(gofmt -l "$module")
  if [[ -n $unformatted ]]; then
    printf 'not gofmt-formatted: %s\n' "$unformatted" >&2
    failed=1
  fi
  (cd "$module" && go vet ./...) || failed=1
done

exit "$failed"
