"""Helpers for the Chromium tests: log in inside the page's own cookie jar, find a day in the picker."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator, Page

from tests.factories.accounts import DEFAULT_PASSWORD


def log_in(page: Page, base: str, mobile: str) -> None:
    """POST /api/v1.0/sessions from the page's context (page.request shares its cookies), as the login page does."""
    page.request.get(base + "/healthz")  # sets the csrf_token cookie in the browser context
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    response = page.request.post(base + "/api/v1.0/sessions", data={"mobile": mobile, "password": DEFAULT_PASSWORD},
                                 headers={"X-CSRFToken": token})
    assert response.ok, response.text()


def day_cell(page: Page, day: date) -> Locator:
    """The picker's cell of ``day``, paging forward through months until it shows."""
    cell = page.locator(f'#picker-grid button.day[data-date="{day.isoformat()}"]')
    for _ in range(3):
        if cell.count():
            break
        page.click("#picker-next")
    return cell
