"""Hooks through which an app on a higher floor adds to a page of a lower one without being
imported by it (NetBox's template extensions, in small): each app keeps its lists of hooks
(accounts.extensions, org.extensions), and this one function asks them."""


def panels(hooks, request, obj) -> list[tuple[str, dict]]:
    """The panels of a page: every hook's `(template_name, context)` for the object, in the order
    the hooks were registered, leaving out the hooks that answer None."""
    result = []
    for hook in hooks:
        panel = hook(request, obj)
        if panel:
            result.append(panel)
    return result
