"""The compile page says, before compiling, who will be in the edition and who is missing, and warns
when nothing changed since the last edition (issue 20, item 7)."""
from __future__ import annotations

import re

from ctportal.models import CommissionText, TextKind, TextState, db
from tests.factories import fill_report, make_round, report_of, submit
from tests.test_compile_workflow import approved_round, done_edition


def _section(html: str, css_class: str) -> str:
    found = re.search(rf'<(?:ul|p)[^>]*class="{css_class}"[^>]*>(.*?)</(?:ul|p)>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def test_the_page_names_the_parties_included_and_those_missing_with_their_state(app, users, client, auth):
    rnd = approved_round(users, ("AL",))
    submit(fill_report(report_of(rnd, "RS")), users.coordinator_rs)
    db.session.commit()
    auth.login("secretariat")
    html = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert "A compile now includes these parties, with their approved report:" in html
    assert _section(html, "compile-included") == "Albania — revision 1, approved"
    missing = _section(html, "compile-missing")
    assert "Serbia — Submitted" in missing and "Bosnia and Herzegovina — Draft" in missing
    assert "Albania" not in missing
    assert "compile-unchanged" not in html, "no edition yet: nothing to compare with"


def test_with_nothing_approved_the_page_says_so_before_compiling(app, users, client, auth):
    rnd = make_round()
    auth.login("secretariat")
    html = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert _section(html, "compile-included") == (
        "No report of this round is approved yet: a compile now has nothing to include.")


def test_it_warns_when_nothing_changed_since_the_last_edition_and_not_once_something_did(app, users, client,
                                                                                        auth):
    rnd = approved_round(users, ("AL",))
    edition = done_edition(rnd, users, [report_of(rnd, "AL").approved_revision])
    auth.login("secretariat")
    html = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert (f"Nothing changed since edition {edition.id} of " in html
            and "a new compile would hold the same approved reports and Commission texts." in html)

    # A Commission text approved since: the next edition would differ.
    db.session.add(CommissionText(round_id=rnd.id, slot="introduction", kind=TextKind.introduction,
                                  body="Introduction.", version=1, state=TextState.approved,
                                  written_by_id=users.reviewer.id))
    db.session.commit()
    assert "compile-unchanged" not in client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)


def test_a_newly_approved_report_lifts_the_warning(app, users, client, auth):
    rnd = approved_round(users, ("AL",))
    done_edition(rnd, users, [report_of(rnd, "AL").approved_revision])
    from tests.factories import approve
    approve(submit(fill_report(report_of(rnd, "RS")), users.coordinator_rs), users.reviewer)
    db.session.commit()
    auth.login("secretariat")
    html = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert "compile-unchanged" not in html
    assert _section(html, "compile-included") == "Albania — revision 1, approved Serbia — revision 1, approved"
