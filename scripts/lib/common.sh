# shellcheck shell=bash
# Helpers shared by scripts/start.sh and scripts/test.sh. Source it; do not execute it.
#
#   LOG_PREFIX   prefix of every log line (default "platform")

if [[ -n "${__PLATFORM_COMMON_SH:-}" ]]; then return 0; fi
__PLATFORM_COMMON_SH=1

# Repository root, whatever the caller's working directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  __C_DIM=$'\033[2m' __C_RED=$'\033[31m' __C_YEL=$'\033[33m' __C_GRN=$'\033[32m' __C_OFF=$'\033[0m'
else
  __C_DIM='' __C_RED='' __C_YEL='' __C_GRN='' __C_OFF=''
fi

# All logs go to stderr so that functions can still return values on stdout.
log() { printf '%s[%s]%s %s\n' "$__C_DIM" "${LOG_PREFIX:-platform}" "$__C_OFF" "$*" >&2; }
log_ok() { printf '%s[%s]%s %s%s%s\n' "$__C_DIM" "${LOG_PREFIX:-platform}" "$__C_OFF" "$__C_GRN" "$*" "$__C_OFF" >&2; }
warn() { printf '%s[%s]%s %swarning:%s %s\n' "$__C_DIM" "${LOG_PREFIX:-platform}" "$__C_OFF" "$__C_YEL" "$__C_OFF" "$*" >&2; }
die() {
  printf '%s[%s]%s %serror:%s %s\n' "$__C_DIM" "${LOG_PREFIX:-platform}" "$__C_OFF" "$__C_RED" "$__C_OFF" "$*" >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

# Empty when running as root, "sudo" otherwise (dies when sudo is needed but missing).
as_root_prefix() {
  if [[ "$(id -u)" -eq 0 ]]; then
    printf ''
  elif have sudo; then
    printf 'sudo'
  else
    die "root privileges are needed ($*) but sudo is not installed; run as root or install sudo"
  fi
}

# load_dotenv [FILE [KEY...]]: loads KEY=VALUE lines of a dotenv file (default .env) into the
# environment; with KEYs, only those. Variables already set win. Supports comments, blank lines,
# an optional leading "export " and single/double quotes.
load_dotenv() {
  local file="${1:-$REPO_ROOT/.env}" line key value
  local only=" ${*:2} "
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] && continue
    line="${line#export }"
    [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    [[ "$only" == "  " || "$only" == *" $key "* ]] || continue
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    if [[ -z "${!key+set}" ]]; then
      export "$key=$value"
    fi
  done <"$file"
}

# Node.js 20.19+ is the only thing a fresh clone needs beforehand.
require_node() {
  have node || die "Node.js 20.19+ is required (https://nodejs.org or: apt-get install nodejs from NodeSource)"
  have npm || die "npm is required (it ships with Node.js)"
  local major minor
  IFS=. read -r major minor _ <<<"$(node -p 'process.versions.node')"
  if ((major < 20 || (major == 20 && minor < 19))); then
    die "Node.js 20.19+ is required, found $(node -v)"
  fi
}

# Installs node_modules when missing or older than package-lock.json (npm ci, else npm install).
ensure_node_deps() {
  require_node
  local lock="$REPO_ROOT/package-lock.json" marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ -d "$REPO_ROOT/node_modules" && -f "$marker" && ! "$lock" -nt "$marker" ]]; then
    return 0
  fi
  log "installing Node.js dependencies (npm ci)"
  # onnxruntime-node (the audio worker's VAD) ships its CPU binaries in the package; its postinstall
  # would fetch optional CUDA parts from nuget.org, which a machine without that network refuses.
  export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
  if ! (cd "$REPO_ROOT" && npm ci --no-audit --no-fund); then
    warn "npm ci failed; falling back to npm install"
    (cd "$REPO_ROOT" && npm install --no-audit --no-fund) || die "could not install Node.js dependencies"
  fi
}

# Runs one named step in a subshell (so that a `die` inside it is reported as that step's failure);
# on failure says which step failed and exits with its status.
run_step() {
  local name="$1"
  shift
  log "▶ $name: $*"
  local started=$SECONDS status=0
  ("$@") || status=$?
  if ((status != 0)); then
    printf '%s[%s]%s %s✗ step "%s" failed (exit %d)%s\n' \
      "$__C_DIM" "${LOG_PREFIX:-platform}" "$__C_OFF" "$__C_RED" "$name" "$status" "$__C_OFF" >&2
    exit "$status"
  fi
  log_ok "✓ $name ($((SECONDS - started))s)"
}
