"""Property-based: hostile strings, numbers and nesting sent to every operation of /openapi.json
never get a 5xx, and every API answer stays in the envelope.

Hypothesis builds the inputs (lone surrogates, NUL and other control characters, Arabic-Indic
digits, dates at the ends of time, 64-bit overflows, infinities, deep nesting, invalid UTF-8 in
query strings) as a logged-in verified host whose house and booking the paths point at, so the
input reaches the services. ``IHOME_FUZZ_EXAMPLES`` (default 25 per operation) makes a bigger run.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

EXAMPLES = int(os.environ.get("IHOME_FUZZ_EXAMPLES", "25"))
NOT_ENVELOPES = {("get", "/api/v1.0/image_codes/{image_code_id}"), ("post", "/api/v1.0/payments/alipay/notify")}
PATH_PARAMETER = re.compile(r"\{([^}]+)\}")

# ---- hostile values ---------------------------------------------------------------------------------------

SPECIAL_STRINGS = ["", " ", "١٢٣٤٥٦", "１２３４", "9999-12-31", "0001-01-01", "2026-02-30", "-1", "1e999", "NaN",
                   "Infinity", "0x10", "13800138000\x00", "\x00", "\ud800", "\udfff", "a\ud83d", "\u202e", "\ufeff",
                   "\r\nX-Injected: 1", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00",
                   "%ud800", "null", "[]", "{}", "x" * 5000, "用" * 600]
hostile_text = st.one_of(
    st.sampled_from(SPECIAL_STRINGS),
    st.text(max_size=30),
    st.lists(st.one_of(st.integers(0xD800, 0xDFFF).map(chr), st.integers(0, 0x1F).map(chr),
                       st.characters(), st.sampled_from("٠١٢٣٤٥٦٧٨٩")), max_size=20).map("".join),
)
hostile_number = st.one_of(
    st.integers(-(10**40), 10**40),
    st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalar = st.one_of(st.none(), st.booleans(), hostile_number, hostile_text)
nested = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner,
                                                                                             max_size=4),
                      max_leaves=12)
deep = st.integers(1, 1200).map(lambda depth: functools.reduce(lambda value, _: [value], range(depth), 1))
hostile_value = st.one_of(scalar, nested, deep)


def _body_strategy(properties: list[str]) -> st.SearchStrategy[Any]:
    """Mostly an object with the operation's own fields (and some others), sometimes any JSON at all."""
    known = st.fixed_dictionaries({}, optional={name: hostile_value for name in properties})
    extra = st.dictionaries(hostile_text, hostile_value, max_size=2)
    return st.one_of(st.builds(lambda a, b: {**b, **a}, known, extra), hostile_value)


def _encode(text: str) -> str:
    """Percent-encode anything, lone surrogates included (as the invalid UTF-8 a client could send)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


# ---- the operations ------------------------------------------------------------------------------------------

def _operations(app) -> list[tuple[str, str, dict[str, Any]]]:
    with app.app_context():
        spec = app.spec
    components = spec.get("components", {}).get("schemas", {})
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {})
            kind = "json" if "application/json" in body else "multipart" if "multipart/form-data" in body else None
            schema = next(iter(body.values()), {}).get("schema", {}) if body else {}
            if "$ref" in schema:
                schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
            found.append((method, path, {
                "kind": kind,
                "properties": sorted(schema.get("properties", {})),
                "query": [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"],
            }))
    return found


@pytest.fixture
def hostile_client(app, db):
    """A verified host, logged in, with a house and a pending booking on it."""
    host = make_user(verified=True)
    house = make_house(owner=host)
    order = make_order(house=house)
    ids = {"house_id": str(house.id), "order_id": str(order.id), "image_code_id": "fuzz-code", "host": host.id}
    client = app.test_client()
    login(client, host.id)
    client.get("/healthz")
    return client, ids


def _call(client, method: str, path: str, **kwargs: Any):
    token = client.get_cookie("csrf_token").value
    return client.open(path, method=method.upper(), headers={"X-CSRFToken": token}, **kwargs)


def _check(method: str, path: str, response, sent: Any) -> None:
    """No 5xx; the envelope, with errno "0" exactly on success (a JPEG or the notify's text excepted)."""
    where = (method.upper(), path, response.status_code, response.data[:300], repr(sent)[:300])
    assert response.status_code < 500, where
    if (method, path) in NOT_ENVELOPES and response.status_code < 400:
        return
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"errno", "errmsg", "data"}, where
    assert (body["errno"] == "0") == (response.status_code < 400), where


def _fill(path: str, ids: dict[str, Any], override: str | None = None) -> str:
    return PATH_PARAMETER.sub(lambda m: override if override is not None else str(ids.get(m.group(1), "1")), path)


# ---- the properties ---------------------------------------------------------------------------------------------

def _fuzz_operation(client, ids: dict[str, Any], redis, method: str, path: str, shape: dict[str, Any]) -> None:
    """Hostile query strings and bodies (JSON, or multipart for uploads) against one operation."""
    url = _fill(path, ids)
    query = st.lists(st.tuples(st.sampled_from(shape["query"] or ["q"]), hostile_text), max_size=4)
    if shape["kind"] == "multipart":
        body = st.dictionaries(st.sampled_from(shape["properties"] or ["file"]),
                               st.one_of(st.binary(max_size=200), hostile_text), max_size=3)
    else:
        body = _body_strategy(shape["properties"])

    @given(query=query, payload=body, ascii_only=st.booleans())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(query, payload, ascii_only):
        query_string = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in query)
        if shape["kind"] == "multipart":
            data = {k: (io.BytesIO(v), "x.png") if isinstance(v, bytes) else v.encode("utf-8", "surrogatepass")
                    for k, v in payload.items()}
            response = _call(client, method, url, query_string=query_string, data=data,
                             content_type="multipart/form-data")
        else:
            text = json.dumps(payload, ensure_ascii=ascii_only)  # \ud800 escaped, or raw (invalid UTF-8)
            response = _call(client, method, url, query_string=query_string,
                             data=text.encode("utf-8", "surrogatepass"), content_type="application/json")
        _check(method, path, response, (query, payload))
        redis.flushdb()  # limits must not hide the next example behind a 429; sessions go too:
        login(client, ids["host"])
        client.get("/healthz")

    check()


def test_hostile_bodies_and_queries_never_get_a_5xx(app, hostile_client, redis):
    client, ids = hostile_client
    operations = _operations(app)
    assert len(operations) >= 20
    for method, path, shape in operations:
        if method == "delete" and path == "/api/v1.0/session":
            continue  # logging out would turn the rest into 401s; the paths property covers it
        _fuzz_operation(client, ids, redis, method, path, shape)


def test_hostile_paths_never_get_a_5xx(app, client):
    operations = _operations(app)
    client.get("/healthz")

    @given(index=st.integers(0, len(operations) - 1), text=hostile_text)
    @settings(max_examples=EXAMPLES * 3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(index, text):
        method, path, _shape = operations[index]
        if "{" not in path:
            path = path + "/" + "{x}"
        url = _fill(path, {}, override=_encode(text) or "%00")
        response = _call(client, method, url)
        assert response.status_code < 500, (method, url, response.status_code, response.data[:200])

    check()
