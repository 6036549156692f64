"""The id of the request being served, so that every audit event of one request can be tied together."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
