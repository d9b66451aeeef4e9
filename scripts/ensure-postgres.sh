#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with a role and database
# "helhed" for the tests. Starts Debian's cluster when it is installed but not running.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "PostgreSQL is installed but has no cluster; creating one." >&2
    $SUDO pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO service postgresql start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# As the postgres superuser: over the local socket as the postgres OS user, else over loopback.
psql_admin() {
  if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@" 2>/dev/null && return
  elif command -v sudo >/dev/null; then
    sudo -u postgres psql -v ON_ERROR_STOP=1 -qAt "$@" 2>/dev/null && return
  fi
  psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
}
if [ "$(psql_admin -c "select 1 from pg_roles where rolname='helhed'")" != "1" ]; then
  psql_admin -c "create role helhed login createdb password 'helhed'"
fi
if [ "$(psql_admin -c "select 1 from pg_database where datname='helhed'")" != "1" ]; then
  psql_admin -c "create database helhed owner helhed"
fi
# Fresh clusters use peer/scram auth: make the helhed role reachable over loopback.
PGPASSWORD=helhed psql -h 127.0.0.1 -U helhed -d helhed -qAt -c "select 1" >/dev/null
echo "PostgreSQL ready on 127.0.0.1:5432 (database helhed)."
