"""The ``ihome`` command: serve, worker, db, seed, demo, create-admin, stats."""

from __future__ import annotations

import logging
import os
import sys
import time
import urllib.request
from typing import Any

import click
from flask.cli import FlaskGroup, with_appcontext

from ihome import create_app
from ihome.config import ConfigError

log = logging.getLogger("ihome.cli")


def _create_app(*_args, **_kwargs):
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """iHome (爱家租房): a short-term rental marketplace."""


def prepare_database() -> dict[str, int]:
    """Apply migrations and seed reference data if absent (both idempotent)."""
    from flask_migrate import upgrade

    from ihome.extensions import db
    from ihome.houses.reference import seed_reference_data

    upgrade(revision="heads")
    added = seed_reference_data()
    db.session.commit()
    return added


@main.command("seed")
@with_appcontext
def seed_command() -> None:
    """Apply migrations, then add the districts and facilities that are missing."""
    added = prepare_database()
    click.echo(f"seeded {added['areas']} districts and {added['facilities']} facilities")


@main.command("demo")
@click.option("--houses", default=60, show_default=True, help="how many houses to create")
@with_appcontext
def demo_command(houses: int) -> None:
    """Fill an empty instance with hosts, houses with photos, past orders and comments."""
    from ihome.demo import fill_demo

    prepare_database()
    summary = fill_demo(house_count=houses)
    click.echo(summary)


@main.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes")
@click.option("--threads", default=4, show_default=True, type=int, help="threads per worker")
@click.option("--no-celery", is_flag=True, help="do not start the Celery worker and beat")
@click.option("--no-access-log", is_flag=True, help="do not log every request (gunicorn's access log)")
def serve_command(host: str, port: int, workers: int, threads: int, no_celery: bool, no_access_log: bool) -> None:
    """Run the whole system: Redis (embedded if IHOME_REDIS_URL is unset), migrations, gunicorn, Celery.

    Every child is supervised: one that dies is started again while the others keep serving.
    """
    from ihome import runtime
    from ihome.config import load_config
    from ihome.extensions import db

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    env = serve_environment(dict(os.environ), host=host, port=port)
    try:
        settings = load_config(environ=env)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    instance = env["IHOME_INSTANCE_PATH"]
    supervisor = runtime.Supervisor(env)  # first: a signal from here on stops everything cleanly
    code = 1
    try:
        embedded = not env.get("IHOME_REDIS_URL")
        if embedded:
            _start_embedded_redis(supervisor, env, instance, settings["CACHE_MAXMEMORY_MB"])
        os.environ.update({k: env[k] for k in SERVE_VARIABLES if k in env})
        app = _create_app()
        with app.app_context():
            added = prepare_database()
            if any(added.values()):
                log.info("seeded %s", added)
            db.engine.dispose()  # no connection of ours crosses the fork into the children
        # forked from this process, which has imported everything already: each starts in a blink
        supervisor.start("gunicorn", runtime.gunicorn_command(host, port, workers, threads,
                                                              access_log=not no_access_log), fork=True)
        if not no_celery:
            worker = supervisor.start("celery worker", runtime.celery_worker_command(), fork=True)
            if embedded:  # its only worker: what the dead one held is redone at once
                worker.after_death = lambda: _restore_tasks(env["IHOME_REDIS_URL"])
            supervisor.start("celery beat", runtime.celery_beat_command(instance), fork=True)
        _announce_when_ready(host, port, supervisor)
        code = supervisor.wait()
    finally:
        supervisor.stop()
        log.info("iHome stopped")
    sys.exit(code)


# What ``ihome serve`` decides for its children, and for the app it builds itself to migrate.
SERVE_VARIABLES = ("IHOME_INSTANCE_PATH", "IHOME_REDIS_URL", "IHOME_CACHE_REDIS_URL", "IHOME_PUBLIC_URL")


def served_url(host: str, port: int) -> str:
    """The address ``ihome serve`` answers on, as a browser on this machine writes it."""
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 - a comparison, not a bind
    return f"http://{shown}:{port}"


def serve_environment(environ: dict[str, str], *, host: str, port: int) -> dict[str, str]:
    """The children's environment: an absolute instance folder and, outside production, the public URL
    of the address actually served when ``IHOME_PUBLIC_URL`` is unset (production must set it)."""
    env = dict(environ)
    env["IHOME_INSTANCE_PATH"] = os.path.abspath(env.get("IHOME_INSTANCE_PATH") or "./instance")
    if env.get("IHOME_ENV", "development") != "production" and not env.get("IHOME_PUBLIC_URL"):
        env["IHOME_PUBLIC_URL"] = served_url(host, port)
    return env


def _start_embedded_redis(supervisor: Any, env: dict[str, str], instance: str, cache_mb: int) -> None:
    """The main Redis (append-only file, never evicts) and, unless one is configured, the cache Redis."""
    from ihome import runtime

    main_redis = runtime.EmbeddedRedis(instance)
    supervisor.add(runtime.Child("redis", main_redis.launch, cleanup=main_redis.stop, last=True))
    env["IHOME_REDIS_URL"] = main_redis.url
    log.info("embedded Redis at %s (append-only file in its folder)", main_redis.socket)
    if not env.get("IHOME_CACHE_REDIS_URL"):
        cache_redis = runtime.EmbeddedRedis(instance, name="redis-cache", persistent=False, maxmemory_mb=cache_mb)
        supervisor.add(runtime.Child("cache redis", cache_redis.launch, cleanup=cache_redis.stop, last=True))
        env["IHOME_CACHE_REDIS_URL"] = cache_redis.url
        log.info("embedded cache Redis at %s (%s MB, least recently used first)", cache_redis.socket, cache_mb)


def _restore_tasks(redis_url: str) -> None:
    from ihome import runtime
    from ihome.core.redis_client import celery_url

    try:
        count = runtime.restore_unacknowledged_tasks(celery_url(redis_url))
    except Exception as exc:  # Redis down too: the visibility timeout hands them out later
        log.warning("could not put back the dead worker's tasks now: %s", exc)
        return
    if count:
        log.warning("put back %s task(s) the dead worker had taken; they will be redone", count)


def _announce_when_ready(host: str, port: int, supervisor: Any, timeout: float = 15.0) -> None:
    """Log the URL once /healthz answers (or give up quietly on a signal or after ``timeout``)."""
    url = served_url(host, port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not supervisor.received:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):  # noqa: S310 - our own local URL
                log.info("iHome is ready at %s (API docs at %s/docs); Ctrl-C stops everything", url, url)
                return
        except OSError:
            time.sleep(0.1)
    log.warning("iHome did not answer %s/healthz within %.0f s", url, timeout)


@main.command("worker", with_appcontext=False)
@click.option("--concurrency", "-c", default=4, show_default=True, type=int)
@click.option("--beat", is_flag=True, help="also run Celery beat (the periodic jobs) in its own process")
def worker_command(concurrency: int, beat: bool) -> None:
    """Run a Celery worker alone (production: run as many as needed, and one beat)."""
    from ihome import runtime

    _create_app()  # fail early with a clear message on a bad configuration
    env = dict(os.environ)
    supervisor = runtime.Supervisor(env)
    supervisor.start("celery worker", runtime.celery_worker_command(concurrency))
    if beat:
        supervisor.start("celery beat", runtime.celery_beat_command(env.get("IHOME_INSTANCE_PATH", "./instance")))
    sys.exit(supervisor.wait())


@main.command("create-admin")
@click.option("--mobile", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin_command(mobile: str, password: str) -> None:
    """Create an administrator account, or make an existing user one."""
    from ihome.accounts.service import make_admin

    user = make_admin(mobile=mobile, password=password)
    click.echo(f"user {user.id} ({user.mobile}) is an administrator")


@main.group("stats")
def stats_group() -> None:
    """The statistics rollup."""


@stats_group.command("rebuild")
@click.option("--since", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="first day to recompute (YYYY-MM-DD, marketplace time zone)")
@with_appcontext
def stats_rebuild_command(since: Any) -> None:
    """Recompute the daily rollup from --since to yesterday (idempotent: a second run changes nothing)."""
    from ihome.admin.rollups import rebuild

    days, changed = rebuild(since=since.date())
    click.echo(f"rolled up {days} day(s); {changed} row(s) changed")


def _register_db_commands() -> None:
    from flask_migrate.cli import db as db_group

    main.add_command(db_group, "db")


_register_db_commands()


if __name__ == "__main__":
    main()
