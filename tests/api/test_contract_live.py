"""``/openapi.json`` tells the truth: schemathesis ``--checks all`` against a real ``ihome serve``,
anonymous and logged in as a verified host, reports no failure.

Every check runs: no 5xx, documented statuses, content types and bodies, ``Allow`` on 405, valid
input accepted (except where tests/api/schemathesis.toml names the business rule that refuses it),
invalid input refused. The server is this module's own (its database collects the fuzzed data).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy.orm import scoped_session, sessionmaker

from ihome import create_app
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.live import LiveServer

pytestmark = pytest.mark.server
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = os.environ.get("IHOME_CONTRACT_EXAMPLES", "20")


@pytest.fixture(scope="module")
def contract_server(new_database_url, tmp_path_factory) -> Iterator[LiveServer]:
    server = LiveServer(instance=tmp_path_factory.mktemp("contract"), database_url=new_database_url("contract"),
                        redis_url=None)
    with server.start(timeout=120):
        yield server


def _host_with_a_booking(server: LiveServer) -> str:
    """A verified host with a house that has a pending booking, in the server's database; returns the mobile."""
    from ihome.extensions import db

    app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": server.env["IHOME_DATABASE_URL"],
                      "REDIS_URL": f"unix://{server.instance / 'redis' / 'redis.sock'}?db=0",
                      "INSTANCE_PATH": str(server.instance)})
    with app.app_context():
        test_session, db.session = db.session, scoped_session(sessionmaker(bind=db.engine))
        try:
            host = make_user(verified=True)
            make_order(house=make_house(owner=host))
            return host.mobile
        finally:
            db.session.remove()
            db.session = test_session


def _schemathesis(server: LiveServer, headers: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "run",
               server.url + "/openapi.json", "--checks", "all", "--max-examples", EXAMPLES,
               "--generation-database", "none", "--seed", "9", "--no-color", *extra]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False,
                          cwd=server.instance)  # its .schemathesis cache stays out of the worktree


def _report(result: subprocess.CompletedProcess) -> str:
    return result.stdout[-6000:] + result.stderr[-2000:]


def _csrf(http: requests.Session, server: LiveServer) -> str:
    http.get(server.url + "/healthz", timeout=10)
    return http.cookies["csrf_token"]


def test_anonymous_contract_has_no_failures(contract_server):
    http = requests.Session()
    token = _csrf(http, contract_server)
    result = _schemathesis(contract_server, {"X-CSRFToken": token, "Cookie": f"csrf_token={token}"})
    assert result.returncode == 0, _report(result)
    assert " passed" in result.stdout, _report(result)


def test_logged_in_contract_has_no_failures(contract_server):
    mobile = _host_with_a_booking(contract_server)
    http = requests.Session()
    _csrf(http, contract_server)
    login = http.post(contract_server.url + "/api/v1.0/sessions", json={"mobile": mobile, "password": DEFAULT_PASSWORD},
                      headers={"X-CSRFToken": http.cookies["csrf_token"]}, timeout=10)
    assert login.status_code == 200, login.text
    token, session_id = http.cookies["csrf_token"], http.cookies["ihome_session"]
    headers = {"X-CSRFToken": token, "Cookie": f"ihome_session={session_id}; csrf_token={token}"}
    # logging out would end the session half-way: DELETE /session is covered by the anonymous run
    result = _schemathesis(contract_server, headers, "--exclude-name", "DELETE /api/v1.0/session")
    assert result.returncode == 0, _report(result)
    assert http.get(contract_server.url + "/api/v1.0/session", timeout=10).status_code == 200  # still logged in
