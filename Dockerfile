# syntax=docker/dockerfile:1
# Production image of the Gold Card supplement tracker. One image runs every app role; compose.yaml
# chooses the command: web (gunicorn), worker and beat (celery).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: dependencies into a virtual environment, translations and static files compiled ------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=tracker.settings \
    STATIC_ROOT=/srv/static \
    TRACKER_DATA_DIR=/tmp/tracker-build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libmagic1 \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
WORKDIR /app
COPY . .
RUN pip install .
# Settings need no database or broker for these two commands; the embedded defaults suffice.
RUN if find . -name '*.po' -not -path './.*' | grep -q .; then python manage.py compilemessages; fi \
 && python manage.py collectstatic --noinput \
 && rm -rf /tmp/tracker-build

# --- runtime --------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# PYTHONPATH=/app: the code runs from /app (BASE_DIR then holds templates/ and locale/); `pip install .`
# above provided its dependencies.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=tracker.settings \
    STATIC_ROOT=/srv/static \
    TRACKER_DATA_DIR=/var/lib/tracker
# libmagic1: python-magic's file-type sniffing; ghostscript: PDF compression of upload sets.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 ghostscript \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tracker \
 && useradd --system --uid 10001 --gid tracker --home-dir /var/lib/tracker --no-create-home \
        --shell /usr/sbin/nologin tracker \
 && install -d -o tracker -g tracker -m 0750 /var/lib/tracker
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Static files belong to the app user: web runs collectstatic again on start (a no-op when unchanged).
COPY --from=build --chown=tracker:tracker /srv/static /srv/static
WORKDIR /app
USER tracker:tracker
EXPOSE 8000
CMD ["gunicorn", "--config", "python:tracker.gunicorn_conf", "tracker.wsgi", "--access-logfile", "-"]
