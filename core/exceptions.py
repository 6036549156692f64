class ApplicationError(Exception):
    """A business rule refused the operation; the message is shown to the user as it is."""

    def __init__(self, message, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotAllowed(ApplicationError):
    """The actor may not do this (views answer 403); the message says who may."""
