"""The API reference page in a real browser: Swagger UI starts under the portal's CSP, from this origin."""
from __future__ import annotations


def test_the_reference_page_shows_every_operation_without_a_csp_error(page, live_url):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: problems.append(f"off-origin: {request.url}")
            if not request.url.startswith(live_url) and not request.url.startswith("data:") else None)
    page.goto(f"{live_url}/api/v1/reference")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == 11
    assert page.get_by_text("/api/v1/approved-revisions").first.is_visible()
    assert page.get_by_role("button", name="Authorize").is_visible()
    assert problems == []
