"""gunicorn settings of the HTTP benchmarks (bench/http_pages.py, bench/load.py, given with -c).

Each worker fills Django's content-type cache when it starts, as a worker that has served for a
while has it: otherwise a page that names a model (the audit trail of a person or of a records
request) runs one more query the first time each worker serves it, and with two workers and a
few warm-up requests the page's query count differs from one request to the next.
"""


def post_worker_init(worker):
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    ContentType.objects.get_for_models(*apps.get_models())
    connections.close_all()  # the worker's requests open their own
