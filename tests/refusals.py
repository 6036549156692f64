"""Does a service refuse an actor? For the tests that show a predicate, the service's refusal and
the page's button agree (tests/*/test_permissions.py)."""

from collections.abc import Callable

from django.db import transaction

from core.exceptions import ApplicationError, NotAllowed


class _Undo(Exception):
    pass


def refuses(call: Callable) -> bool:
    """True when the service refuses the actor (NotAllowed). Whatever it does otherwise is undone;
    another refusal (something missing, a bad value) comes after the check of who may, so it is a
    no."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except NotAllowed:
        return True
    except (ApplicationError, _Undo):
        return False
