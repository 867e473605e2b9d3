"""A test client for the JSON API: sends the CSRF header, unwraps and checks the envelope."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

API = "/api/v1.0"


class ApiResponse:
    """The HTTP response plus the envelope's parts."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.headers = response.headers
        self.json = response.get_json(silent=True)
        assert isinstance(self.json, dict) and {"errno", "errmsg", "data"} <= set(self.json), (
            f"not an envelope: {response.status_code} {response.data[:300]!r}"
        )
        self.errno = self.json["errno"]
        self.errmsg = self.json["errmsg"]
        self.data = self.json["data"]

    @property
    def fields(self) -> dict[str, list[str]]:
        return (self.data or {}).get("fields", {})

    def expect(self, status: int, errno: str = "0") -> ApiResponse:
        assert (self.status, self.errno) == (status, errno), (
            f"expected {status}/{errno}, got {self.status}/{self.errno}: {self.json}"
        )
        return self

    def __repr__(self) -> str:
        return f"<ApiResponse {self.status} {self.json}>"


class ApiClient:
    """``api.post("/users", json={...}).expect(201)``; paths are relative to /api/v1.0."""

    def __init__(self, client: FlaskClient, csrf: bool = True):
        self.client = client
        self.csrf = csrf

    def csrf_token(self) -> str:
        cookie = self.client.get_cookie("csrf_token")
        if cookie is None:
            self.client.get("/healthz")
            cookie = self.client.get_cookie("csrf_token")
        assert cookie is not None, "the app sets a csrf_token cookie on any response"
        return cookie.value

    def request(self, method: str, path: str, **kwargs: Any) -> ApiResponse:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            headers.setdefault("X-CSRFToken", self.csrf_token())
        return ApiResponse(self.client.open(API + path, method=method, headers=headers, **kwargs))

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)
