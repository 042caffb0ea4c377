#!/usr/bin/env bash
# npm test: every check and every test, on a fresh clone or a warm one.
#   1. Node dependencies (npm ci when missing or stale)
#   2. PostgreSQL, Redis, RabbitMQ (+ management API) reachable, started when not
#   3. typecheck (tsc), lint (eslint with the Nx module-boundaries rule), jest --ci "$@"
#   4. the mutation gate, incremental (docs/TESTING.md; SKIP_MUTATION=1 skips it, and so does a
#      narrowed run with arguments for jest)
# Extra arguments go to jest, e.g. `npm test -- apps/auth` or `npm test -- -t "refresh token"`.
# shellcheck source-path=SCRIPTDIR/..
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_PREFIX="test"
source scripts/lib/common.sh
# Only the infrastructure URLs of .env (the suites set their own NODE_ENV, ports, ...), and before
# ensure-infra.sh, which fills in the defaults of the ones still unset.
load_dotenv .env POSTGRES_URL REDIS_URL AMQP_URL RABBITMQ_MANAGEMENT_URL
source scripts/lib/ensure-infra.sh

export NX_DAEMON=false NX_NO_CLOUD=true
# The integration suites create one vhost per suite through the management API.
INFRA_REQUIRE_MANAGEMENT=1

# The boundaries rule reads Nx's cached project graph; without one it silently skips itself.
lint() {
  npx nx show projects >/dev/null && npx eslint .
}

# A merge that committed its conflict markers (it happened once, in .env.example) fails at once.
no_merge_markers() {
  if git grep -n -E '^(<<<<<<<|>>>>>>>)( |$)' -- . ':!node_modules' ; then
    die "merge conflict markers are committed (listed above)"
  fi
}

run_step "merge markers" no_merge_markers
run_step "dependencies" ensure_node_deps
run_step "infrastructure" ensure_infra
run_step "typecheck" npx tsc -p tsconfig.json
run_step "lint" lint
run_step "jest" npx jest --ci "$@"
# The mutation gate, incremental: only the mutants whose code or covering tests changed since the
# baseline. The baseline is committed (tools/mutation/stryker-baseline.json.gz, ~5 MB of JSON
# gzipped; refreshed by every full `npm run test:mutation`), so a fresh clone — CI included — starts from it: a run after a small
# change costs a few minutes, a run after none about one. Fails below 85 %.
mutation_gate() {
  if [[ ! -f reports/stryker-incremental.json ]]; then
    if [[ ! -f tools/mutation/stryker-baseline.json.gz ]]; then
      warn "mutation gate skipped: no baseline (run \`npm run test:mutation\` once; it takes long)"
      return 0
    fi
    npm run --silent test:mutation:restore-baseline
  fi
  npm run --silent test:mutation:changed
}
if [[ "${SKIP_MUTATION:-}" != "1" && $# -eq 0 ]]; then
  run_step "mutation gate" mutation_gate
fi
log_ok "all checks passed"
