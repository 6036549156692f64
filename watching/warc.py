"""A WARC (ISO 28500) of what a page was served, written with warcio, as archival evidence next to
a start-page screenshot (issue 17, REC-5).

One `warcinfo` record, then for each request the browser made and the portal let through a
`response` record (status line, headers, body as delivered) and its `request` record, linked by
WARC-Concurrent-To. The body is stored decoded (the browser's fetch has undone gzip/br), so the
Content-Encoding and Transfer-Encoding headers are kept under X-Archive-Orig- names and
Content-Length says the length stored. Refused requests (SSRF) are `metadata` records naming the
address and the reason: the evidence says what was not fetched too.

The whole file is bounded (`max_bytes`): past it, bodies are left out and the response record
carries WARC-Truncated: length.
"""

import hashlib
import io
import tempfile
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Headers whose value no longer describes the stored body.
_RENAMED = {"content-encoding", "transfer-encoding", "content-length"}


def _response_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in headers if k.lower() not in _RENAMED]
    renamed = [(f"X-Archive-Orig-{k}", v) for k, v in headers if k.lower() in _RENAMED]
    return [*kept, *renamed, ("Content-Length", str(length))]


class WarcRecorder:
    """Collects records in a temporary file; `finish()` returns the bytes and their SHA-256."""

    def __init__(self, *, max_bytes: int, software: str = "KI social media registry (watching.capture)"):
        self.max_bytes = max_bytes
        self.file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by finish()
        self.writer = WARCWriter(self.file, gzip=True)
        self.truncated = False
        info = self.writer.create_warcinfo_record(
            "capture.warc.gz", {"software": software, "format": "WARC File Format 1.1"}
        )
        self.writer.write_record(info)

    def response(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        post_data: bytes | None,
        status: int,
        status_text: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        truncated = self.file.tell() + len(body) > self.max_bytes
        if truncated:
            self.truncated = True
            body = b""
        http = StatusAndHeaders(
            f"{status} {status_text or ''}".strip(), _response_headers(response_headers, len(body)), protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Truncated": "length"} if truncated else None
        record = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=warc_headers
        )
        self.writer.write_record(record)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_headers = [(k, v) for k, v in request_headers if k.lower() != "host"]
        request_http = StatusAndHeaders(
            f"{method} {target} HTTP/1.1", [("Host", parts.netloc), *host_headers], is_http_request=True
        )
        request = self.writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(post_data or b""),
            http_headers=request_http,
            warc_headers_dict={"WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")},
        )
        self.writer.write_record(request)

    def refused(self, *, url: str, reason: str) -> None:
        payload = f"refused: {reason}\n".encode()
        record = self.writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(payload), warc_content_type="text/plain; charset=utf-8"
        )
        self.writer.write_record(record)

    def finish(self) -> tuple[bytes, str]:
        self.file.seek(0)
        data = self.file.read()
        self.file.close()
        return data, hashlib.sha256(data).hexdigest()
