"""gunicorn's settings for every way the tracker is served (Dockerfile, compose, the load script):
`gunicorn --config python:tracker.gunicorn_conf tracker.wsgi`. Command-line flags still win."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60


def post_worker_init(worker) -> None:
    from django.urls import get_resolver

    get_resolver().check()  # imports every view, serializer and form before the freeze
    # Django, DRF and the URL and template machinery are loaded now and live as long as the
    # process: moved out of the collector's generations, they are no longer scanned again on every
    # full collection a request's allocations trigger (the collector's documented advice for
    # long-lived processes, gc.freeze).
    gc.collect()
    gc.freeze()
