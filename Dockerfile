# Production image: gunicorn serves the web app; the same image runs the Celery worker and beat
# (see docker-compose.yml). Settings come from the environment only (README, "Configuration").
FROM python:3.12-slim-bookworm

# TZ: the processes' own clock (logs, anything outside Django) shows Paris time, like the app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TZ=Europe/Paris \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF reports) needs Pango, HarfBuzz and a font; shared-mime-info for image types.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo \
        fonts-dejavu-core shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Translations and static files are built into the image; settings need a key and a database
# URL to load, but neither is used here.
RUN python -m config.devservices compilemessages \
    && SECRET_KEY=build-only-not-secret DATABASE_URL=postgres://build@localhost/build \
        python manage.py collectstatic --noinput

# Generated files (the reports' PDFs) go to /data, a volume the web app and the worker share;
# created here so the volume starts owned by the app's user.
ENV ANCRAGE_DATA_DIR=/data
RUN useradd --system --no-create-home --uid 10001 ancrage \
    && mkdir -p /data/media \
    && chown -R ancrage /data
USER ancrage

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
