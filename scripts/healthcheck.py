"""GET a health address of this container's web server; exit 0 on 200, 1 otherwise.

Used by docker-compose's web healthcheck. Standard library only, so that it starts in a few
milliseconds (no Django). It sends the first name in ALLOWED_HOSTS as the Host header: Django
refuses other hosts, and inside the container the server is reached as 127.0.0.1.

    python scripts/healthcheck.py [http://127.0.0.1:8000/health/]
"""

import os
import sys
import urllib.error
import urllib.request


def main(url: str) -> int:
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(url, headers={"Host": host, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own address
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(errors="replace"))
    except OSError as exc:
        print(f"{url}: {exc}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/health/"))
