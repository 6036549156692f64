#!/usr/bin/env python
"""The test OpenID provider's manage.py (tests/idp_oidc/README.md). Run from this directory; it is
a project of its own, never one of the portal's apps."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
