#!/usr/bin/env bash
# Makes sure this machine has what the tests need, and does nothing when it already has it:
#   - the nats-server binary (tests start their own servers on random ports);
#   - MariaDB answering on 127.0.0.1:3306 as root with no password (tests create throwaway databases).
# As root with apt-get, a missing package is installed from Debian; MariaDB is started with
# start-stop-daemon when it does not answer. Otherwise it says what to run and fails.
set -euo pipefail

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
MARIADB_HOST=127.0.0.1
MARIADB_PORT=3306
MARIADB_WAIT_SECONDS=${MARIADB_WAIT_SECONDS:-60}

say() { printf 'ensure-services: %s\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if ! is_root || ! command -v apt-get >/dev/null; then
    say "missing: $*; install it with: sudo apt-get install -y $*"
    exit 1
  fi
  say "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "$@" || { apt-get update && apt-get install -y "$@"; }
}

ensure_nats_server() {
  local bin=${NATS_SERVER_BIN:-nats-server}
  if command -v "$bin" >/dev/null; then
    say "nats-server: $(command -v "$bin") ($("$bin" --version 2>&1 | head -n1))"
    return
  fi
  apt_install nats-server
  command -v nats-server >/dev/null || { say "nats-server is still missing after apt-get"; exit 1; }
}

mariadb_answers() {
  local admin
  admin=$(command -v mariadb-admin || command -v mysqladmin || true)
  if [ -n "$admin" ]; then
    "$admin" --protocol=tcp -h "$MARIADB_HOST" -P "$MARIADB_PORT" -uroot --connect-timeout=2 ping >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$MARIADB_HOST/$MARIADB_PORT") 2>/dev/null
  fi
}

ensure_mariadb() {
  if mariadb_answers; then
    say "MariaDB answers on $MARIADB_HOST:$MARIADB_PORT"
    return
  fi
  if ! is_root; then
    say "MariaDB does not answer on $MARIADB_HOST:$MARIADB_PORT; start it with: sudo start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
    exit 1
  fi
  [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server
  # The socket folder lives on a tmpfs on some machines and is gone after a reboot.
  if [ ! -d /run/mysqld ]; then mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true; fi
  say "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for ((i = 0; i < MARIADB_WAIT_SECONDS * 2; i++)); do
    if mariadb_answers; then
      say "MariaDB answers on $MARIADB_HOST:$MARIADB_PORT"
      return
    fi
    sleep 0.5
  done
  say "MariaDB did not answer on $MARIADB_HOST:$MARIADB_PORT within ${MARIADB_WAIT_SECONDS}s"
  exit 1
}

case "${1:-all}" in
  nats) ensure_nats_server ;;
  mariadb) ensure_mariadb ;;
  all) ensure_nats_server; ensure_mariadb ;;
  *) echo "usage: $0 [all|nats|mariadb]" >&2; exit 2 ;;
esac
