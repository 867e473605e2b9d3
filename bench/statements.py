"""What one booking costs: SQL statements and Redis commands, counted, listed, per database.

    python -m bench.statements            # SQLite, and PostgreSQL when installed

For each database: a fresh migrated database, a host with one house, a logged-in guest; one warm-up
booking (of another house), then ``POST /api/v1.0/orders`` through the app's test client with every
SQL statement (SQLAlchemy's ``before_cursor_execute``) and every Redis command or pipeline (redis-py's
``execute_command`` and ``Pipeline.execute``) recorded, split into the request's transaction and the
work after its commit. Writes bench/results/<date>-booking-statements.txt and prints it. A count,
not a timing: the same on any machine.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import redis
from sqlalchemy import event
from tests.support.live import free_port
from tests.support.postgres import PostgresCluster, pg_bin

RESULTS = Path(__file__).resolve().parent / "results"


@contextmanager
def recording(engine) -> Iterator[list[str]]:
    """Every SQL statement and Redis round trip while the block runs, in order."""
    log: list[str] = []

    def on_sql(_conn, _cursor, statement, _params, _context, _many):
        log.append("SQL   " + " ".join(statement.split())[:150])

    def on_commit(_conn):
        log.append("SQL   COMMIT")

    original_command = redis.Redis.execute_command
    original_pipeline = redis.client.Pipeline.execute

    def command(self, *args, **options):
        log.append("REDIS " + " ".join(str(a) for a in args[:2])[:150])
        return original_command(self, *args, **options)

    def pipeline(self, *args, **kwargs):
        names = [str(c[0][0]) for c in self.command_stack]
        log.append(f"REDIS pipeline ({len(names)}): {' '.join(names)}"[:150])
        return original_pipeline(self, *args, **kwargs)

    event.listen(engine, "before_cursor_execute", on_sql)
    event.listen(engine, "commit", on_commit)
    redis.Redis.execute_command = command  # type: ignore[method-assign]
    redis.client.Pipeline.execute = pipeline  # type: ignore[method-assign]
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        event.remove(engine, "commit", on_commit)
        redis.Redis.execute_command = original_command  # type: ignore[method-assign]
        redis.client.Pipeline.execute = original_pipeline  # type: ignore[method-assign]


def count_booking(kind: str, url: str, root: Path) -> str:
    from tests.factories.accounts import make_user
    from tests.factories.houses import make_house

    from ihome import create_app
    from ihome.cli import prepare_database
    from ihome.extensions import db
    from ihome.runtime import EmbeddedRedis

    server = EmbeddedRedis(root, name="redis", persistent=False).start()
    try:
        app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "REDIS_URL": server.url,
                          "INSTANCE_PATH": str(root / "instance"), "LOG_LEVEL": "ERROR",
                          "MAX_PENDING_PER_GUEST": 100})
        with app.app_context():
            prepare_database()
            host, guest = make_user(verified=True), make_user()
            houses = [make_house(owner=host).id for _ in range(2)]
            db.session.commit()
            guest_id = guest.id
            engine = db.engine
        client = app.test_client()
        with client.session_transaction() as session:
            session["user_id"] = guest_id
        client.get("/healthz")
        token = client.get_cookie("csrf_token").value
        start = date.today() + timedelta(days=10)

        def book(house_id: int):
            stay = {"start_date": start.isoformat(), "end_date": (start + timedelta(days=2)).isoformat()}
            return client.post("/api/v1.0/orders", headers={"X-CSRFToken": token}, json={"house_id": house_id, **stay})

        assert book(houses[0]).status_code == 201  # warm-up: imports, statement caches, pools
        with recording(engine) as log:
            response = book(houses[1])
        assert response.status_code == 201, response.get_json()
        with app.app_context():
            db.engine.dispose()
    finally:
        server.stop()
    commit = log.index("SQL   COMMIT") if "SQL   COMMIT" in log else len(log)
    inside, after = log[:commit + 1], log[commit + 1:]

    def count(rows: list[str], prefix: str) -> int:
        return sum(1 for r in rows if r.startswith(prefix))

    lines = [f"{kind}: one booking = {count(inside, 'SQL')} SQL statements (COMMIT included) and "
             f"{count(inside, 'REDIS')} Redis round trips in the request's transaction, "
             f"{count(after, 'SQL')} SQL and {count(after, 'REDIS')} Redis round trips after the commit",
             "  in the transaction:", *(f"    {r}" for r in inside),
             "  after the commit:", *(f"    {r}" for r in after)]
    return "\n".join(lines)


def main() -> int:
    reports = []
    root = Path(tempfile.mkdtemp(prefix="ihome-statements-"))
    try:
        (root / "sqlite").mkdir()
        reports.append(count_booking("sqlite", f"sqlite:///{root / 'sqlite' / 'b.db'}", root / "sqlite"))
        if pg_bin() is not None:
            cluster = PostgresCluster(port=free_port()).start()
            try:
                (root / "pg").mkdir()
                reports.append(count_booking("postgresql", cluster.create_database("statements"), root / "pg"))
            finally:
                cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    text = (f"Statements and Redis round trips of one POST /api/v1.0/orders — {date.today()}\n\n"
            + "\n\n".join(reports))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{date.today()}-booking-statements.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
