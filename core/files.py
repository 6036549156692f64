"""Stored files that must not outlive a failed write."""

from contextlib import contextmanager


@contextmanager
def deleted_on_error(storage, name: str | None):
    """Delete the stored file `name` if the block raises, then re-raise. A row that rolls back with
    its transaction would otherwise leave its file behind in storage."""
    try:
        yield
    except BaseException:
        if name:
            storage.delete(name)
        raise
