"""The accessibility check itself can fail: a page with known WCAG violations is reported."""
from __future__ import annotations

import pytest

from tests import a11y

pytestmark = pytest.mark.browser

BAD = """<!doctype html><html><head><title>t</title></head><body><main>
<h1>Upload</h1><form><input type="text" name="title"></form>
<p style="color:#aaa;background:#fff">Low contrast text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main></body></html>"""
GOOD = """<!doctype html><html lang="en"><head><title>t</title></head><body><main>
<h1>Upload</h1><form><label for="t">Title</label><input id="t" type="text" name="title"></form>
</main></body></html>"""


def _check(browser, html: str) -> a11y.AxeFindings:
    context = browser.new_context()
    findings = a11y.attach(context)
    context.route("http://a11y.test/**", lambda route: route.fulfill(status=200, body=html,
                                                                     content_type="text/html"))
    page = context.new_page()
    page.goto("http://a11y.test/page")
    a11y.settle(page)
    context.close()
    return findings


def test_violations_are_found_and_named(browser):
    findings = _check(browser, BAD)
    rules = " ".join(findings.violations)
    assert findings.pages == ["/page"]
    for rule in ("html-has-lang", "label", "color-contrast", "image-alt"):
        assert rule in rules, findings.report()


def test_a_clean_page_passes(browser):
    findings = _check(browser, GOOD)
    assert findings.pages == ["/page"] and not findings.violations, findings.report()
