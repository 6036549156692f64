#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipolicy.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings: a configuration error is one line, not a traceback)
    except ImproperlyConfigured as exc:
        sys.exit(f"Error: {exc}")
    execute_from_command_line(sys.argv)
