"""/docs renders Swagger UI from the app's own assets, with no network."""

import pytest

pytestmark = pytest.mark.e2e


def test_docs_render_offline_from_local_assets(page, live):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live.url + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "iHome API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag-section").count() >= 1  # the endpoints, grouped by domain
    assert requested and all(url.startswith(live.url) for url in requested), requested
