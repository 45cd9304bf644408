"""A real Celery worker on the machine's Redis, for the tests that deliver through one
(core/tests/test_worker.py, notifications/tests/test_delivery_worker.py).

Skipped with the reason when Redis is not reachable, except under CI=true, where it must run."""

import contextlib
import os

import pytest


def redis_reachable(redis_url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def forget_connections(app):
    """Connections and producers made before the broker changed would publish to the old one
    (Celery keeps them per app; private attributes, as Celery's own after-fork hook resets them)."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_worker_on(redis_url: str):
    """The project's Celery app, not eager, with a solo worker thread consuming `redis_url` (emptied
    first: nothing left from earlier runs); the app's settings are put back afterwards."""
    if not redis_reachable(redis_url):
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"Redis is not reachable at {redis_url}; CI must run the worker test.")
        pytest.skip(f"Redis is not reachable at {redis_url}")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=None)
    forget_connections(app)
    app.connection_for_write().default_channel.client.flushdb()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(saved)
        forget_connections(app)
