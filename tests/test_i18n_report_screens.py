"""The party's report pages and the Commission's review pages in a partner language (issue 17, third
part). Signed in with an account whose language is Macedonian or Albanian, the overview, an entry form,
the submission page, the review queue, a report under review and an entry's review page speak it: their
own translated text is there, and no English string of the portal's catalogue is left in what the page
shows. Allowed: names, the report's content (what the party wrote) and the plan's English texts
(objective titles, priority actions), which are the reference the report prints."""
from __future__ import annotations

import re

import pytest

from ctportal.models import Comment, Entry, PlanVersion, Report, db
from ctportal.services.reporting.plan_cache import action_of
from tests.factories import fill_report, make_round, report_of, submit
from tests.i18n_support import tool
from tests.test_i18n_screens import _language, _speaks, shown

# Per language: what each page must say in it (a heading, a label, a button of its own).
EXPECTED = {
    "mk": {
        "overview": ("Напредок", "Последни измени", "Сè уште нема документи."),
        "incomplete": ("Уште без одговор пред поднесувањето",),
        "entry": ("Статус на спроведување", "Опис на напредокот", "Преземени мерки",
                  "Документи за оваа активност"),
        "submit": ("Што испраќате", "Поднесете го извештајот на рецензија"),
        "queue": ("Нацрти во изработка", "Чека рецензија"),
        "review": ("Одлука", "Ревизија на рецензија", "Отворени теми"),
        "review_entry": ("Ваша рецензија", "Измени од претходниот круг", "Проценка на Комисијата"),
        "refusal": "HTML не се прифаќа",
    },
    "sq": {
        "overview": ("Progresi", "Ndryshimet e fundit", "Ende nuk ka dokumente."),
        "incomplete": ("Ende pa përgjigje para dorëzimit",),
        "entry": ("Statusi i zbatimit", "Përshkrimi i progresit", "Masat e marra",
                  "Dokumentet për këtë veprim"),
        "submit": ("Çfarë dërgoni", "Dorëzojeni raportin për rishikim"),
        "queue": ("Projekte në punim", "Në pritje të rishikimit"),
        "review": ("Vendimi", "Rishikimi në shqyrtim", "Tema të hapura"),
        "review_entry": ("Shqyrtimi juaj", "Ndryshimet që nga raundi i mëparshëm", "Vlerësimi i Komisionit"),
        "refusal": "HTML nuk pranohet",
    },
}


# What static/js/keep.js would write without the layout's texts.
ENGLISH_JS = {"signed-out": "You have been signed out",
              "session-ended": "Your session ended after a time without activity. What you typed on this page is "
                               "kept for you: sign in again to go on.",
              "sign-in-again": "Sign in again", "minutes": "{n} minutes", "seconds": "{n} seconds",
              "kept": "Draft kept on the server at {when} — not saved yet: use Save."}


@pytest.fixture(autouse=True)
def _compiled():
    tool()  # compiles the catalogues when a .mo is missing or stale


def _content(report: Report) -> set[str]:
    """The report's own content and the plan's English reference texts shown beside it; comments are
    what people (and the workflow's system comments, stored as written) wrote."""
    entries = list(db.session.scalars(db.select(Entry).where(Entry.report_id == report.id)))
    texts = {e.narrative for e in entries if e.narrative} | {e.key for e in entries}
    for entry in entries:
        action = action_of(entry)
        texts.add(action.objective.title)
        if entry.priority_action is not None:
            texts.add(entry.priority_action.text)
    texts |= {c.body for c in db.session.scalars(db.select(Comment).where(Comment.report_id == report.id))}
    return texts | {v.title for v in db.session.scalars(db.select(PlanVersion))}


@pytest.mark.parametrize("code", ["mk", "sq"])
def test_a_partner_reports_in_its_language(client, auth, users, code):
    said = EXPECTED[code]
    rnd = make_round()
    report = report_of(rnd, "AL")
    db.session.commit()
    _language(users, "coordinator_al", code)
    auth.login("coordinator_al")
    # Albanian "Data" (a date: the measures' column) is spelt like the English "Data" of the map's sources.
    allowed = _content(report) | ({"Data"} if code == "sq" else set())
    _speaks(client, f"/reports/{report.id}", code, *said["overview"], *said["incomplete"], allowed=allowed)
    entry = report.entries[0]
    _speaks(client, f"/reports/{report.id}/entries/{entry.id}", code, *said["entry"], allowed=allowed)

    # A refusal of the entry service, under its field, in the account's language.
    response = client.post(f"/reports/{report.id}/entries/{entry.id}", data={
        "version": str(entry.version), "status": "in_progress", "narrative": "<b>Done</b>", "save": "1"})
    assert response.status_code == 422
    text = shown(response.get_data(as_text=True))
    assert said["refusal"] in text and "HTML is not accepted" not in text

    # The idle warning and what keep.js writes into it later, handed over in the page's language.
    html = client.get(f"/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    for name in ("signed-out", "session-ended", "sign-in-again", "minutes", "seconds", "kept"):
        found = re.search(rf'data-text-{name}="([^"]+)"', html)
        assert found and found.group(1) != ENGLISH_JS[name], name
    assert "{n}" in re.search(r'data-text-minutes="([^"]+)"', html).group(1)

    fill_report(report)
    allowed = _content(report)
    _speaks(client, f"/reports/{report.id}/submit", code, *said["submit"], allowed=allowed)


@pytest.mark.parametrize("code", ["mk", "sq"])
def test_the_commission_reviews_in_its_language(client, auth, users, code):
    said = EXPECTED[code]
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    draft = report_of(rnd, "RS")  # a draft in progress, counted on the queue
    fill_report(draft, limit=2)
    _language(users, "reviewer", code)
    auth.login("reviewer")
    allowed = _content(report)
    _speaks(client, "/review/", code, *said["queue"], allowed=allowed)
    _speaks(client, f"/review/reports/{report.id}", code, *said["review"], allowed=allowed)
    entry = report.entries[0]
    _speaks(client, f"/review/reports/{report.id}/entries/{entry.id}", code, *said["review_entry"], allowed=allowed)


def test_the_entry_page_stays_english_for_an_english_account(client, auth, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    db.session.commit()
    auth.login("coordinator_al")
    entry = report.entries[0]
    text = shown(client.get(f"/reports/{report.id}/entries/{entry.id}").get_data(as_text=True))
    assert "Implementation status" in text and "Measures taken" in text
    assert "Progress narrative" in text and "Documents for this action" in text
