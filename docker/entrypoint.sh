#!/bin/sh
# Migrate, optionally load the demo catalogue, then run the container's command.
set -eu
python manage.py migrate --noinput
if [ "${LOAD_DEMO:-false}" = "true" ]; then
  python manage.py load_demo --if-empty
fi
exec "$@"
