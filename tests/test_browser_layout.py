"""The pages at a phone's width and on a laptop (issue 20, item 7; WCAG 1.4.10 reflow).

At 390 px the page itself never scrolls sideways: a wide table scrolls inside its own box, a
focusable region named by the table's caption, and the header band spans the whole screen. At
1366 px the secretariat's navigation stays on one line.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.helpers import browser_login

pytestmark = pytest.mark.browser

_WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def wide_pages(app, users):
    """A round with a submitted report (queue, review page, overview) and an approved one (map, status board)."""
    from ctportal.models import db
    rnd = make_round()
    submitted = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    approve(submit(fill_report(report_of(rnd, "RS")), users.coordinator_rs), users.reviewer)
    db.session.commit()
    return ["/review/", f"/review/reports/{submitted.id}", f"/reports/{submitted.id}",
            f"/rounds/{rnd.id}", f"/progress/rounds/{rnd.id}", "/rounds/", "/audit/",
            f"/compile/rounds/{rnd.id}", f"/reports/{submitted.id}/timeline"]


def test_at_390_px_no_page_scrolls_sideways_and_tables_scroll_in_their_box(page, users, wide_pages):
    page.set_viewport_size({"width": 390, "height": 900})
    browser_login(page, users.secretariat)
    scrolling_tables = 0
    for url in wide_pages:
        page.goto(url)
        scroll_width, viewport = page.evaluate(_WIDTHS)
        assert scroll_width <= viewport, f"{url}: the page is {scroll_width} px wide at {viewport} px"
        header = page.locator("header.portal-header").bounding_box()
        assert header and header["x"] == 0 and header["width"] == viewport, (url, header)
        for box in page.locator(".table-scroll").all():
            if box.evaluate("e => e.scrollWidth > e.clientWidth"):
                scrolling_tables += 1
                # A box that scrolls can be reached and scrolled with the keyboard, and is named.
                assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
                caption = page.locator(f"#{box.get_attribute('aria-labelledby')} ")
                assert caption.evaluate("e => e.tagName") == "CAPTION"
    assert scrolling_tables >= 3, "the queue, review page and map have tables wider than 390 px"


def test_at_1366_px_the_secretariats_navigation_is_one_line(page, users):
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, users.secretariat)
    page.goto("/review/")
    tops = page.locator("nav.portal-nav .nav-link").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(tops) >= 9 and len(set(tops)) == 1, f"the navigation wraps: link tops {tops}"
    scroll_width, viewport = page.evaluate(_WIDTHS)
    assert scroll_width <= viewport


def test_the_justification_shows_only_for_not_applicable_and_the_date_example_follows_the_picker(page, users):
    from ctportal.models import db
    report = report_of(make_round(), "AL")
    entry_id = report.entries[0].id
    db.session.commit()
    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report.id}/entries/{entry_id}")
    justification = page.get_by_label("Why the action does not apply")
    expect(justification).to_be_hidden()
    page.get_by_label("Implementation status").select_option("not_applicable")
    expect(justification).to_be_visible()
    justification.fill("The partner has no such body.")
    page.get_by_label("Implementation status").select_option("planned")
    expect(justification).to_be_hidden()
    assert justification.input_value() == "The partner has no such body.", "hidden, not emptied"

    # The example is written as this browser's date field writes dates (Intl's default locale),
    # not in a fixed format: with Debian's Chromium in English, month/day/year like its field.
    example = page.locator("#measures-0-taken_on-hint .date-example-value")
    expect(example).to_be_visible()
    expected = page.evaluate("new Intl.DateTimeFormat(undefined, {year: 'numeric', month: '2-digit', "
                             "day: '2-digit', timeZone: 'UTC'}).format(new Date(Date.UTC(2025, 2, 31)))")
    assert example.inner_text() == expected and expected != "2025-03-31"
    # A row added by the script keeps its hint, renumbered.
    page.get_by_role("button", name="Add another measure").click()
    added = page.locator("#measures-1-taken_on")
    assert added.get_attribute("aria-describedby") == "measures-1-taken_on-hint"
    expect(page.locator("#measures-1-taken_on-hint")).to_contain_text("up to today")
