#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: a new cluster in a temporary folder,
# on a free port, stopped and removed afterwards, also when the command fails.
# The command sees the server as DATABASE_URL, and what restarting it takes (the load test
# restarts it mid-run) as PG_DATA (the cluster's folder), PG_LOG (its log file) and PG_CTL
# (the pg_ctl command, run as the server's owner).
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
    echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2
    exit 1
fi

folder=$(mktemp -d /tmp/consortium-pg.XXXXXX)
if [ "$(id -u)" = 0 ]; then
    # The server refuses to run as root: it runs as the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$folder"
    as_owner=(runuser -u postgres --)
else
    as_owner=()
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
    "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$folder/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$folder"
}
trap stop EXIT INT TERM

"${as_owner[@]}" "$PGBIN/initdb" -D "$folder/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$folder/initdb.log" 2>&1 \
    || { cat "$folder/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$PGBIN/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
    -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
    start >/dev/null || { cat "$folder/server.log" >&2; exit 1; }

echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') is running on port $port (throw-away cluster in $folder)"
export PG_DATA="$folder/data" PG_LOG="$folder/server.log"
PG_CTL="${as_owner[*]} $PGBIN/pg_ctl"
export PG_CTL="${PG_CTL# }"
DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres" "$@"
