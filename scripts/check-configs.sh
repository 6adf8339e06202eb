#!/usr/bin/env bash
# Validates the compose stack's configuration with the real tools that run on this machine:
#   - promtool check config deploy/prometheus*.yml  (Debian's `prometheus` package, installed if missing)
#   - docker compose config                          (the Compose v2 plugin; else Debian's docker-compose 1.29,
#                                                     on a copy without the top-level `name:` it predates), for
#                                                     docker-compose.yaml and the Jaeger variant docker-compose.jaeger.yaml
#   - jaeger validate --config deploy/jaeger/config.yaml
#                                                    (Jaeger v2 from scripts/build-jaeger.sh, which builds it when
#                                                     it is not cached; skipped only when that script exits 3)
#   - tempo -config.verify deploy/tempo.yaml         (only with TEMPO_BIN=/path/to/tempo; docs/go-builds.md
#                                                     records why Tempo is not built here)
# Loki and the collector have no validator here; tests/unit/stack-config.test.ts cross-checks them.
# Exit status: 0 when every check that could run passed, 1 otherwise; each skip is printed with its reason.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
failed=0
check() { # name, command...
  local name=$1
  shift
  if "$@"; then echo "ok    $name"; else echo "FAIL  $name"; failed=1; fi
}

install_debian() { # package: installs as root when apt-get is there; says why not otherwise
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "skip  $1: not installed, and this is not a root shell with apt-get"
    return 1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >/dev/null 2>&1
}

if ! command -v promtool >/dev/null; then
  install_debian prometheus
  # The package starts a Prometheus server where an init system runs; the check needs only promtool.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl stop prometheus
  fi
fi
if command -v promtool >/dev/null; then
  for config in deploy/prometheus.yml deploy/prometheus-jaeger.yml; do
    check "promtool check config $config" promtool check config "$config"
  done
fi

if docker compose version >/dev/null 2>&1; then
  for file in docker-compose.yaml docker-compose.jaeger.yaml; do
    check "docker compose config ($file)" docker compose -f "$file" config --quiet
  done
else
  command -v docker-compose >/dev/null || install_debian docker-compose
  if command -v docker-compose >/dev/null; then
    for file in docker-compose.yaml docker-compose.jaeger.yaml; do
      copy=$(mktemp --suffix=.yaml)
      grep -v '^name: ' "$file" >"$copy"
      check "docker-compose (1.29) config ($file)" env COMPOSE_PROJECT_NAME=tracingops \
        docker-compose --project-directory "$root" -f "$copy" config --quiet
      rm -f "$copy"
    done
  else
    echo "skip  compose config: neither the Compose v2 plugin nor docker-compose is available"
  fi
fi

# The collector's own `validate` resolves every ${env:VAR:-default}, decodes each component's configuration and
# checks the pipelines, without binding a port.
jaeger_bin=$(scripts/build-jaeger.sh)
case $? in
  0) check 'jaeger validate --config deploy/jaeger/config.yaml' "$jaeger_bin" validate --config deploy/jaeger/config.yaml ;;
  3) echo "skip  jaeger validate: Jaeger v2 cannot be obtained here (scripts/build-jaeger.sh exit 3; its error is above)" ;;
  *) echo "FAIL  jaeger validate: scripts/build-jaeger.sh failed (its error is above)"; failed=1 ;;
esac

if [ -n "${TEMPO_BIN:-}" ]; then
  check 'tempo -config.verify deploy/tempo.yaml' "$TEMPO_BIN" -config.file=deploy/tempo.yaml -config.verify
else
  echo "skip  tempo -config.verify: set TEMPO_BIN to a Tempo binary (none is built here, see docs/go-builds.md)"
fi

exit $failed
