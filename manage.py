#!/usr/bin/env python
import os
import sys

# The settings refuse to load with DEBUG off and no SECRET_KEY / ALLOWED_HOSTS (docs/configuration.md).
# manage.py is the developer's tool: on a machine with no production configuration at all (none of
# DEBUG, SECRET_KEY, SECRET_KEY_FILE, ALLOWED_HOSTS set) it runs in development mode, as `make run` does, so that
# `python manage.py makemigrations --check` works on a fresh clone. Every installation sets DEBUG
# (docs/deployment.md, the image, docker-compose, the Kubernetes config map), and the web and worker
# processes (wsgi, asgi, Celery) never take this default.
DEVELOPMENT_DEFAULT = not any(
    os.environ.get(name) for name in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS")
)

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipolicy.settings")
    if DEVELOPMENT_DEFAULT:
        os.environ["DEBUG"] = "true"
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings: a configuration error is one line, not a traceback)
    except ImproperlyConfigured as exc:
        sys.exit(f"Error: {exc}")
    execute_from_command_line(sys.argv)
