# The portal's image: one image for the web server (gunicorn), the Celery workers (including the
# start-page capture's, which runs Chromium), Celery beat and one-shot management commands
# (migrate, seed_demo, ...). See docs/deployment.md.
#
#   docker build -t kipolicy .
#   docker run --rm -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... kipolicy
#
# Every setting comes from the environment (docs/configuration.md). The image sets only the
# paths: code and collected static files under /app (read-only for the app user), writable data
# under /var/lib/kipolicy (media uploads, the beat schedule; mount volumes there).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    VAR_DIR=/var/lib/kipolicy \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/kipolicy/media \
    CAPTURE_CHROMIUM=/usr/bin/chromium

# A non-root user that owns only the data directory, not the code.
RUN groupadd --system --gid 10001 kipolicy \
    && useradd --system --uid 10001 --gid kipolicy --home-dir /var/lib/kipolicy \
       --no-create-home --shell /usr/sbin/nologin kipolicy \
    && install -d -o kipolicy -g kipolicy -m 0750 /var/lib/kipolicy /var/lib/kipolicy/media

WORKDIR /app

# System libraries: Pango for WeasyPrint (the report PDFs) and a font with Swedish letters;
# Debian's Chromium for the start-page capture (issue 17: the `capture` queue's worker drives it
# through Playwright, which uses this browser instead of downloading its own), with fonts for the
# scripts and emoji that public profiles show (Liberation: the metric-compatible Arial/Times;
# Noto: most other scripts and colour emoji), so that a screenshot shows what a visitor sees.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core xmlsec1 \
       chromium fonts-liberation fonts-noto-core fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

# Runtime dependencies only (requirements-dev.txt is for tests and linting). All of them ship
# wheels (psycopg[binary], pillow, weasyprint), so no compiler is needed.
COPY requirements.txt ./
RUN python -m venv /opt/venv \
    && pip install -r requirements.txt

COPY . .

# Translations (pure Python via polib, no GNU gettext) and static files, at build time.
# With DEBUG off the settings refuse to load without SECRET_KEY and ALLOWED_HOSTS, so these
# steps get throw-away values that are not kept in the image. DEBUG must be off here too:
# it selects the hashed, compressed static storage (whitenoise) that the running portal uses.
# VAR_DIR points at a scratch folder so that the default Celery folders the settings create
# are not left in the image.
RUN export DEBUG=false SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build \
           VAR_DIR=/tmp/kipolicy-build \
    && python manage.py compile_locale \
    && python manage.py collectstatic --noinput \
    && rm -rf /tmp/kipolicy-build

USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "kipolicy.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
