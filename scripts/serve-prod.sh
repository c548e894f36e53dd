#!/usr/bin/env bash
# Run ctportal as in production, on this machine: PostgreSQL, Redis, gunicorn with 4 workers
# and a separate job worker. Ctrl-C stops both. Settings come from the environment:
#   DATABASE_URL  (default postgresql://postgres@127.0.0.1:5432/ctportal_prod — created if missing)
#   REDIS_URL     (default redis://127.0.0.1:6379/0)
#   CTPORTAL_SECRET_KEY (default: one made once and kept in instance/prod-secret-key)
set -euo pipefail
cd "$(dirname "$0")/.."
export CTPORTAL_ENV=production
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/ctportal_prod}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export CTPORTAL_JOBS_MODE=redis
export CTPORTAL_LOG_FORMAT=json
export CTPORTAL_STORAGE_DIR="${CTPORTAL_STORAGE_DIR:-$PWD/instance/prod-files}"
# Served here over plain http on loopback; behind a TLS proxy leave secure cookies on.
export CTPORTAL_SECURE_COOKIES="${CTPORTAL_SECURE_COOKIES:-false}"
if [ -z "${CTPORTAL_SECRET_KEY:-}" ]; then
  mkdir -p instance
  [ -f instance/prod-secret-key ] || (umask 077; .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(48))" > instance/prod-secret-key)
  CTPORTAL_SECRET_KEY="$(cat instance/prod-secret-key)"
  export CTPORTAL_SECRET_KEY
fi
dbname="${DATABASE_URL##*/}"
if [[ "$DATABASE_URL" == postgresql://*@127.0.0.1* ]] && ! psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$dbname'" | grep -q 1; then
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$dbname\""
fi
if [[ "$DATABASE_URL" == postgresql://postgres@127.0.0.1* ]]; then
  # As in production: migrations run as the owner (postgres here), the portal as a role that
  # may only read and write rows (docs/deployment.md, "Database roles").
  app_role="${CTPORTAL_DB_APP_ROLE:-ctportal_app}"
  psql "$DATABASE_URL" -tAc "SELECT 1 FROM pg_roles WHERE rolname='$app_role'" | grep -q 1 \
    || psql "$DATABASE_URL" -qc "CREATE ROLE \"$app_role\" LOGIN"
  .venv/bin/flask --app app init-db --grant-to "$app_role"
  export DATABASE_URL="postgresql://$app_role@${DATABASE_URL#postgresql://postgres@}"
else
  .venv/bin/flask --app app init-db
fi
.venv/bin/flask --app app jobs-worker --workers 2 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT
exec_gunicorn() { .venv/bin/gunicorn -c deploy/gunicorn.conf.py app:app; }
exec_gunicorn
