"""Issue 13, item 15: text nested deeper than the renderer renders faithfully is refused with a message
naming the field, and a text stored before that rule is shown whole wherever it is read."""
from __future__ import annotations

import pytest

from ctportal.infra import markdown
from ctportal.models import db
from tests.factories import fill_report, make_round, report_of, submit
from tests.test_reporting_entries import entry_url, form_for, reload

SECRET = "the hidden paragraph"
DEEP_QUOTES = ">" * 3000 + f" {SECRET}\n\nVisible text."
DEEP_LIST = "\n".join("  " * i + f"- level {i}" for i in range(12)) + f" {SECRET}"
INLINE_LIST = "- " * 400 + SECRET


@pytest.mark.parametrize("text", [DEEP_QUOTES, DEEP_LIST, INLINE_LIST, "> " * 21 + SECRET])
def test_the_old_renderer_dropped_the_text_and_the_check_sees_it(text):
    html = markdown._md.render(text)  # the parser on its own: what the old code showed
    assert SECRET not in html
    assert markdown.nesting_problem(text) is not None


@pytest.mark.parametrize("text", [DEEP_QUOTES, DEEP_LIST, INLINE_LIST])
def test_a_stored_text_nested_too_deep_is_shown_whole(text):
    html = str(markdown.render(text))
    assert SECRET in html and "<pre" in html


def test_nesting_up_to_the_limit_renders_every_word():
    quotes = ">" * markdown.MAX_DEPTH + f" {SECRET}"
    lists = "\n".join("  " * i + f"- level{i}" for i in range(markdown.MAX_DEPTH))
    assert markdown.nesting_problem(quotes) is None and markdown.nesting_problem(lists) is None
    assert SECRET in str(markdown.render(quotes)) and "<pre" not in str(markdown.render(quotes))
    assert all(f"level{i}" in str(markdown.render(lists)) for i in range(markdown.MAX_DEPTH))


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


@pytest.mark.parametrize("field, label, text", [
    ("narrative", "Progress narrative", DEEP_QUOTES), ("challenges", "Challenges", DEEP_LIST),
    ("next_steps", "Next steps", INLINE_LIST),
])
def test_the_form_refuses_what_cannot_be_shown_naming_the_field(client, auth, al, field, label, text):
    auth.login("contributor_al")
    entry = al.entries[0]
    response = client.post(entry_url(entry), data=form_for(entry, **{field: text}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"{label}: quotes or lists are nested" in page
    assert getattr(reload(entry), field) == ""


def test_the_preview_says_so_too(client, auth, al):
    auth.login("contributor_al")
    response = client.post(f"/reports/{al.id}/preview", data={"text": DEEP_QUOTES})
    assert "nested" in response.get_data(as_text=True)


def test_the_reviewer_sees_a_deep_text_stored_before_the_rule(app, users, client, auth, al):
    fill_report(al)
    entry = al.entries[0]
    entry.narrative = DEEP_QUOTES  # written by the old code, past the form
    entry.summary = "Cooperation with the prosecution service continued."  # a long narrative needs one
    db.session.commit()
    report = submit(al, users.coordinator_al)
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    assert SECRET in page


def test_a_text_renders_once_per_process_and_a_long_one_is_not_kept():
    text = "**Kept** once: " + "word " * 50
    before = markdown._rendered.cache_info()
    first, again = markdown.render(text), markdown.render(text)
    after = markdown._rendered.cache_info()
    assert str(first) == str(again) == "<p><strong>Kept</strong> once: " + ("word " * 50).strip() + "</p>\n"
    assert (after.misses, after.hits) == (before.misses + 1, before.hits + 1)
    long_text = "x" * (markdown.KEPT_LENGTH + 1)
    assert str(markdown.render(long_text)) == f"<p>{long_text}</p>\n"
    assert markdown._rendered.cache_info().currsize == after.currsize
