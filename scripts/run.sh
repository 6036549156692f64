#!/usr/bin/env bash
# Run the web server and a Celery worker with beat together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DEBUG="${DEBUG:-true}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"  # links in e-mails point at this server

.venv/bin/celery -A kipolicy worker --beat --loglevel=INFO --concurrency=1 --queues=celery,collect,capture \
  --schedule="${VAR_DIR:-var}/celery/beat-schedule" &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo "Portal: http://127.0.0.1:${PORT}/  (demo users: owner, deputy, manager, comms, auditor; password kipolicy-demo)"
"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload
