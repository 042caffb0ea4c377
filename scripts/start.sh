#!/usr/bin/env bash
# npm start: the whole platform on this machine, in the foreground (Ctrl+C stops it).
#   1. Node dependencies (npm ci when missing or stale)
#   2. PostgreSQL, Redis, RabbitMQ reachable, started when not
#   3. one database per service (each service runs its own migrations at start)
#   4. build (tsc -p tsconfig.build.json -> dist/), then the launcher runs the nine services
# Configuration: environment variables, or a .env file (see .env.example).
# shellcheck source-path=SCRIPTDIR/..
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_PREFIX="start"
source scripts/lib/common.sh
# .env first: ensure-infra.sh fills in the defaults of the variables that are still unset.
load_dotenv .env
source scripts/lib/ensure-infra.sh

export NX_DAEMON=false NX_NO_CLOUD=true

run_step "dependencies" ensure_node_deps
run_step "infrastructure" ensure_infra
run_step "databases" npx tsx scripts/db/create-databases.ts
run_step "build" npx tsc -p tsconfig.build.json
log "starting the services (Ctrl+C to stop)"
# One process (no npx/tsx wrapper in between), so Ctrl+C and SIGTERM reach the launcher directly.
exec node --import tsx scripts/launcher/run-all.ts
