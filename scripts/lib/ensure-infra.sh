# shellcheck shell=bash
# ensure_infra: makes PostgreSQL, Redis and RabbitMQ (with its management API) reachable.
# Source scripts/lib/common.sh first, and load .env (load_dotenv) before sourcing this file: the
# defaults below apply to the variables still unset at that point.
#
# For each of POSTGRES_URL, REDIS_URL and AMQP_URL that does not answer on TCP:
#   1. a Docker engine answers  -> docker compose -f deploy/compose.yaml up -d <those services>
#   2. else, host is local      -> apt-get install the Debian package when its binary is absent, start it
#   3. else                     -> error naming the service and its address
# Then waits (bounded by INFRA_WAIT_SECONDS, default 90) until each one answers, and makes sure the
# RabbitMQ management API (RABBITMQ_MANAGEMENT_URL) answers, enabling the plugin on a local broker.
# Idempotent: when everything is already up it only does four TCP checks.

: "${POSTGRES_URL:=postgres://postgres:postgres@localhost:5432/postgres}"
: "${REDIS_URL:=redis://localhost:6379}"
: "${AMQP_URL:=amqp://guest:guest@localhost:5672}"
: "${RABBITMQ_MANAGEMENT_URL:=http://guest:guest@localhost:15672}"
export POSTGRES_URL REDIS_URL AMQP_URL RABBITMQ_MANAGEMENT_URL

# Debian puts the daemons' binaries in sbin, which is not on a normal user's PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

# url_host URL / url_port URL DEFAULT_PORT: host and port of a URL (userinfo, path and query dropped).
__url_authority() {
  local rest="${1#*://}"
  rest="${rest%%[/?#]*}"
  printf '%s' "${rest##*@}"
}
url_host() {
  local authority
  authority="$(__url_authority "$1")"
  if [[ "$authority" == \[* ]]; then
    authority="${authority#[}"
    printf '%s' "${authority%%]*}"
  else
    printf '%s' "${authority%%:*}"
  fi
}
url_port() {
  local authority port=""
  authority="$(__url_authority "$1")"
  if [[ "$authority" == \[* ]]; then
    [[ "$authority" == *\]:* ]] && port="${authority##*]:}"
  elif [[ "$authority" == *:* ]]; then
    port="${authority##*:}"
  fi
  printf '%s' "${port:-$2}"
}

is_local_host() {
  case "$1" in localhost | 127.0.0.1 | ::1 | "") return 0 ;; *) return 1 ;; esac
}

# tcp_open HOST PORT: true when something accepts a TCP connection within 1 s.
tcp_open() {
  # shellcheck disable=SC2016 # $0/$1 expand in the inner bash
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Service table: compose service name -> URL variable, default port, Debian package, binary.
__infra_url() {
  case "$1" in
    postgres) printf '%s' "$POSTGRES_URL" ;;
    redis) printf '%s' "$REDIS_URL" ;;
    rabbitmq) printf '%s' "$AMQP_URL" ;;
  esac
}
__infra_default_port() {
  case "$1" in postgres) echo 5432 ;; redis) echo 6379 ;; rabbitmq) echo 5672 ;; esac
}
__infra_url_var() {
  case "$1" in postgres) echo POSTGRES_URL ;; redis) echo REDIS_URL ;; rabbitmq) echo AMQP_URL ;; esac
}
__infra_host() { url_host "$(__infra_url "$1")"; }
__infra_port() { url_port "$(__infra_url "$1")" "$(__infra_default_port "$1")"; }
__infra_up() { tcp_open "$(__infra_host "$1")" "$(__infra_port "$1")"; }

# "docker compose" (v2 plugin) or the standalone "docker-compose", when a Docker engine answers.
__COMPOSE=()
docker_available() {
  have docker && timeout 5 docker info >/dev/null 2>&1 || return 1
  if docker compose version >/dev/null 2>&1; then
    __COMPOSE=(docker compose)
  elif have docker-compose; then
    __COMPOSE=(docker-compose)
  else
    warn "a Docker engine answers but Docker Compose is not installed; using local packages"
    return 1
  fi
}

__APT_UPDATED=""
apt_install() {
  have apt-get || die "cannot install $* automatically: apt-get not found (install it yourself or set the *_URL variables)"
  local sudo
  sudo="$(as_root_prefix "apt-get install $*")"
  if [[ -z "$__APT_UPDATED" ]]; then
    log "apt-get update"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
    __APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" || die "apt-get install $* failed"
}

__PG_FRESH_INSTALL=""
__INFRA_VIA_DOCKER=""
__postgres_installed() { have pg_ctlcluster && compgen -G '/etc/postgresql/*/main' >/dev/null; }

start_local_postgres() {
  if ! __postgres_installed; then
    apt_install postgresql
    __PG_FRESH_INSTALL=1
  fi
  local version sudo
  # shellcheck disable=SC2012 # version directories only
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  sudo="$(as_root_prefix "start PostgreSQL")"
  log "starting PostgreSQL $version (cluster main)"
  # Exit status 2 means "already running": the wait below is the real check.
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
}

start_local_redis() {
  have redis-server || apt_install redis-server
  local port
  port="$(__infra_port redis)"
  log "starting redis-server on 127.0.0.1:$port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no >/dev/null ||
    die "redis-server failed to start"
}

start_local_rabbitmq() {
  have rabbitmq-server || apt_install rabbitmq-server
  local sudo
  sudo="$(as_root_prefix "start RabbitMQ")"
  log "starting rabbitmq-server (detached)"
  $sudo rabbitmq-server -detached || die "rabbitmq-server failed to start"
}

# wait_for_tcp NAME HOST PORT [SECONDS]
wait_for_tcp() {
  local name="$1" host="$2" port="$3" limit="${4:-${INFRA_WAIT_SECONDS:-90}}"
  local deadline=$((SECONDS + limit))
  until tcp_open "$host" "$port"; do
    if ((SECONDS >= deadline)); then
      die "$name did not answer on $host:$port within ${limit}s"
    fi
    sleep 0.5
  done
}

# A fresh Debian PostgreSQL only accepts password logins over TCP: give the postgres user the
# password of the default POSTGRES_URL.
__postgres_set_default_password() {
  local sudo
  sudo="$(as_root_prefix "set the postgres password")"
  log "setting the password of the postgres role to 'postgres' (fresh install)"
  (cd / && $sudo su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"") ||
    warn "could not set the postgres password; set POSTGRES_URL to credentials that work"
}

ensure_rabbitmq_management() {
  local host port
  host="$(url_host "$RABBITMQ_MANAGEMENT_URL")"
  port="$(url_port "$RABBITMQ_MANAGEMENT_URL" 15672)"
  tcp_open "$host" "$port" && return 0
  if ! is_local_host "$host" || ! is_local_host "$(__infra_host rabbitmq)"; then
    warn "RabbitMQ management API not reachable at $host:$port (the integration tests need it)"
    return 1
  fi
  if [[ -n "$__INFRA_VIA_DOCKER" ]] || ! have rabbitmq-plugins; then
    # The compose broker (rabbitmq:*-management) serves it once booted.
    wait_for_tcp "RabbitMQ management API" "$host" "$port" 60
    return 0
  fi
  local sudo
  sudo="$(as_root_prefix "enable rabbitmq_management")"
  log "enabling the RabbitMQ management plugin"
  $sudo rabbitmq-plugins enable rabbitmq_management >/dev/null ||
    die "rabbitmq-plugins enable rabbitmq_management failed"
  wait_for_tcp "RabbitMQ management API" "$host" "$port" 60
}

ensure_infra() {
  local svc missing=()
  for svc in postgres redis rabbitmq; do
    __infra_up "$svc" || missing+=("$svc")
  done

  if ((${#missing[@]} > 0)); then
    log "not reachable: ${missing[*]}"
    if docker_available; then
      log "${__COMPOSE[*]} -f deploy/compose.yaml up -d ${missing[*]}"
      "${__COMPOSE[@]}" -f "$REPO_ROOT/deploy/compose.yaml" up -d "${missing[@]}" ||
        die "docker compose could not start ${missing[*]}"
      __INFRA_VIA_DOCKER=1
    else
      for svc in "${missing[@]}"; do
        local host
        host="$(__infra_host "$svc")"
        if ! is_local_host "$host"; then
          die "$svc is not reachable at $host:$(__infra_port "$svc") ($(__infra_url_var "$svc")); it is not local, so it cannot be started here"
        fi
        "start_local_$svc"
      done
    fi
    for svc in "${missing[@]}"; do
      wait_for_tcp "$svc" "$(__infra_host "$svc")" "$(__infra_port "$svc")"
      log_ok "$svc is up at $(__infra_host "$svc"):$(__infra_port "$svc")"
    done
    if [[ -n "$__PG_FRESH_INSTALL" ]]; then
      __postgres_set_default_password
    fi
  fi

  if ! ensure_rabbitmq_management; then
    if [[ "${INFRA_REQUIRE_MANAGEMENT:-0}" == 1 ]]; then
      die "the RabbitMQ management API is required (set RABBITMQ_MANAGEMENT_URL or enable rabbitmq_management)"
    fi
  fi
}
