#!/usr/bin/env bash
# `make serve`: the app as production runs it. gunicorn with several workers (gunicorn.conf.py)
# and the job and mail worker (`flask worker`) beside it as a process of its own, on PostgreSQL,
# with CONSORTIUM_ENV=production, after the migrations are applied. Without DATABASE_URL it runs
# on a throw-away PostgreSQL server (scripts/with-postgres.sh), removed when it stops.
# Ctrl-C (or SIGTERM) stops both: gunicorn lets its workers finish the requests in hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export CONSORTIUM_ENV=production FLASK_APP=consortium PYTHONUNBUFFERED=1

# Every missing setting at once, with what it is for (consortium/config.py).
if ! $BIN/python - <<'PY'
import os, sys
from consortium.config import missing_settings
missing = missing_settings(dict(os.environ))
if missing:
    print("make serve needs the settings production requires; missing:", file=sys.stderr)
    for name, why in missing:
        print(f"  {name}: {why}", file=sys.stderr)
    print(
        "For a local trial over plain HTTP with a self-signed seal, for instance:\n"
        "  export $(.venv/bin/python -m consortium.agreements.sealing instance 'Trial association')\n"
        "  SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))') "
        "BASE_URL=http://127.0.0.1:8000 MAIL_SERVER=localhost INSECURE_COOKIES=1 make serve",
        file=sys.stderr,
    )
    sys.exit(1)
PY
then
    exit 1
fi

if [ -z "${DATABASE_URL:-}" ]; then
    echo "DATABASE_URL is not set: serving from a throw-away PostgreSQL server, whose data is removed when serve stops."
    exec scripts/with-postgres.sh env CONSORTIUM_SERVE_THROWAWAY=1 "$0" "$@"
fi
case "$DATABASE_URL" in
    postgresql*) ;;
    *)
        echo "make serve runs on PostgreSQL, as production does: DATABASE_URL must start with postgresql+psycopg://, not ${DATABASE_URL%%:*}:" >&2
        exit 1
        ;;
esac

echo "Applying the migrations"
$BIN/flask db upgrade

if [ -n "${CONSORTIUM_SERVE_THROWAWAY:-}" ]; then
    # The throw-away database starts empty: a first user to sign in with, for this run only.
    password=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(15))')
    $BIN/flask users create --email trial@example.org --name "Trial secretariat" --secretariat \
        --password="$password" >/dev/null
    echo "Sign in as trial@example.org with the password $password (this database only)."
fi

worker_pid="" server_pid=""
stop() {
    trap - INT TERM
    echo "Stopping the web server and the worker"
    # gunicorn stops gracefully on TERM (graceful_timeout in gunicorn.conf.py); the worker
    # leaves a job it was running to be taken over (JOB_STALE_SECONDS) by the next worker.
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true
    [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null || true
    wait || true
}
trap 'stop; exit 0' INT TERM

$BIN/flask worker &
worker_pid=$!
$BIN/gunicorn -c gunicorn.conf.py &
server_pid=$!
echo "Serving on ${GUNICORN_BIND:-127.0.0.1:8000} (production: gunicorn with ${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))} workers; job and mail worker $worker_pid); /health tells whether it can serve; stop with Ctrl-C."

# When either stops on its own, stop the other too.
status=0
wait -n "$worker_pid" "$server_pid" || status=$?
echo "The $( kill -0 "$server_pid" 2>/dev/null && echo "job and mail worker" || echo "web server") stopped (exit status $status)" >&2
stop
exit "$status"
