import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from watching.demo_fixtures import PORT, demo_routes
from watching.fixture_servers import FixtureServer


class Command(BaseCommand):
    help = (
        "Serve the demo's public sources on 127.0.0.1 (issue 17) until interrupted. Run the portal with "
        "WATCHING_TRUSTED_ADDRESSES=127.0.0.1:8765 WATCHING_BLUESKY_API=http://127.0.0.1:8765 "
        "WATCHING_X_API=http://127.0.0.1:8765 WATCHING_LINKEDIN_API=http://127.0.0.1:8765 "
        "WATCHING_TOKEN_X=demo-fixture-token WATCHING_TOKEN_LINKEDIN=demo-fixture-token, then "
        "`manage.py collect_profiles --sweep`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=PORT)
        parser.add_argument("--seconds", type=float, default=0, help="Stop after this long (0: never).")

    def handle(self, *args, port, seconds, **options):
        server = FixtureServer(demo_routes(timezone.localdate()), port=port).start()
        self.stdout.write(f"Serving the watch fixtures on {server.base} (Ctrl-C to stop).")
        try:
            started = time.monotonic()
            while not seconds or time.monotonic() - started < seconds:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
