"""Which language the portal speaks (issue 17): Accept-Language on the sign-in page, the switcher,
the choice kept on the account, <html lang>, and mail in the recipient's language."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ctportal.models import OutgoingMail, User, db
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.i18n_support import tool


@pytest.fixture(autouse=True)
def _compiled():
    tool()  # compiles the catalogues when a .mo is missing or stale


def _lang_and_heading(response) -> tuple[str, str]:
    html = response.get_data(as_text=True)
    return (re.search(r'<html lang="([^"]+)"', html).group(1), re.search(r"<h1>(.*?)</h1>", html, re.S).group(1))


@pytest.mark.parametrize("header, lang, heading", [
    ("sq", "sq", "Hyni"),
    ("mk-MK,mk;q=0.9,en;q=0.5", "mk", "Најава"),
    ("sr", "sr-Cyrl", "Пријава"),
    ("sr-Latn-RS", "sr-Latn", "Prijava"),
    ("bs-BA", "bs", "Prijava"),
    ("cnr", "cnr", "Prijava"),
    ("sr-ME", "cnr", "Prijava"),
    ("de-DE,fr;q=0.8", "en", "Sign in"),
    ("", "en", "Sign in"),
])
def test_accept_language_picks_the_language_of_the_sign_in_page(client, app, header, lang, heading):
    response = client.get("/login", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 200
    assert _lang_and_heading(response) == (lang, heading)


def test_the_preference_order_of_accept_language_is_kept(client, app):
    # German first (not offered), then Macedonian before Albanian.
    response = client.get("/login", headers={"Accept-Language": "de;q=1, sq;q=0.5, mk;q=0.8"})
    assert _lang_and_heading(response)[0] == "mk"


def test_every_page_offers_the_switcher_naming_each_language_in_itself(client, app):
    html = client.get("/login", headers={"Accept-Language": "sq"}).get_data(as_text=True)
    for code, lang, name in (("sq", "sq", "Shqip"), ("mk", "mk", "Македонски"), ("sr", "sr-Cyrl", "Српски"),
                             ("sr_Latn", "sr-Latn", "Srpski"), ("bs", "bs", "Bosanski"), ("cnr", "cnr", "Crnogorski"),
                             ("en", "en", "English")):
        assert re.search(rf'<button type="submit" name="language" value="{code}" lang="{lang}"[^>]*>{name}</button>',
                         html), name
    assert 'aria-current="true">Shqip<' in html


def test_switching_before_sign_in_keeps_the_choice_in_the_browser(client, app):
    response = client.post("/language", data={"language": "bs", "next": "/forgot-password"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/forgot-password")
    page = client.get("/forgot-password", headers={"Accept-Language": "sq"})  # the choice beats the header
    assert _lang_and_heading(page) == ("bs", "Zaboravili ste lozinku?")


def test_switching_language_sets_the_account_preference(client, auth, users):
    auth.login("coordinator_al")
    assert db.session.get(User, users.coordinator_al.id).language == "en"  # the sign-in page spoke English
    response = client.post("/language", data={"language": "sr_Latn", "next": "/account"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    assert db.session.get(User, users.coordinator_al.id).language == "sr_Latn"
    html = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)  # the account wins
    assert '<html lang="sr-Latn">' in html and "<h1>Moj nalog</h1>" in html
    # Kept on the account, not in the browser: a new sign-in elsewhere speaks it too.
    auth.logout()
    auth.login("coordinator_al")
    assert '<html lang="sr-Latn">' in client.get("/home").get_data(as_text=True)


def test_the_sign_in_page_language_becomes_the_accounts_when_it_has_none(client, users):
    client.get("/login", headers={"Accept-Language": "mk"})
    client.post("/login", data={"email": users.coordinator_rs.email, "password": "correct horse battery staple"},
                headers={"Accept-Language": "mk"})
    assert db.session.get(User, users.coordinator_rs.id).language == "mk"
    home = client.get("/home", headers={"Accept-Language": "sq"})
    lang, heading = _lang_and_heading(home)
    assert lang == "mk" and heading.startswith("Добредојдовте")


def test_an_account_language_is_not_overwritten_by_the_next_sign_in(client, users):
    db.session.get(User, users.coordinator_al.id).language = "sq"
    db.session.commit()
    client.post("/login", data={"email": users.coordinator_al.email, "password": "correct horse battery staple"},
                headers={"Accept-Language": "sr"})
    assert db.session.get(User, users.coordinator_al.id).language == "sq"


def test_an_unknown_language_is_refused_without_changing_anything(client, auth, users):
    auth.login("coordinator_al")
    response = client.post("/language", data={"language": "xx", "next": "/home"})
    assert response.status_code == 400
    assert db.session.get(User, users.coordinator_al.id).language == "en"


def test_the_switcher_goes_back_only_to_a_page_of_the_portal(client, app):
    response = client.post("/language", data={"language": "sq", "next": "https://evil.example/"})
    assert response.status_code == 303 and "evil.example" not in response.headers["Location"]


def test_translated_pages_carry_party_names_states_and_dates_in_the_language(client, auth, users):
    rnd = make_round()
    db.session.get(User, users.coordinator_xk.id).language = "sr"
    db.session.commit()
    auth.login("coordinator_xk")
    html = client.get("/home").get_data(as_text=True)
    assert "Косово*: извештаји о Заједничком акционом плану." in html
    assert "Нацрт" in html  # the report's state
    day = rnd.submission_deadline
    months = ["јануар", "фебруар", "март", "април", "мај", "јун", "јул", "август", "септембар", "октобар",
              "новембар", "децембар"]
    assert f"{day.day}. {months[day.month - 1]} {day.year}" in html and f"{day.year}.." not in html
    assert "*Овај назив не доводи у питање ставове о статусу" in html  # the footnote, in the footer


def test_english_pages_are_as_before(client, auth, users):
    make_round()
    auth.login("coordinator_xk")
    html = client.get("/home").get_data(as_text=True)
    assert '<html lang="en">' in html and "Reports of Kosovo* on the Joint Action Plan." in html
    assert "*This designation is without prejudice to positions on status" in html


def test_mail_is_written_in_the_recipients_language(app, users):
    """Approval by an English-speaking reviewer: the Serbian coordinator's mail is Serbian, the
    Albanian-speaking contributor's Albanian, an account without a language English."""
    rnd = make_round()
    db.session.get(User, users.coordinator_rs.id).language = "sr"
    db.session.get(User, users.contributor_rs.id).language = "sq"
    db.session.commit()
    report = report_of(rnd, "RS")
    fill_report(report)
    submit(report, users.coordinator_rs)
    approve(report, users.reviewer)
    mails = {m.recipient: m for m in db.session.scalars(sa.select(OutgoingMail).where(
        OutgoingMail.subject.contains(rnd.title)))}
    serbian = mails[users.coordinator_rs.email]
    assert serbian.subject == f"Reviewer је одобрио/ла: Србија — {rnd.title}"  # who did it, in Serbian
    assert serbian.body.startswith("Поштовани/а Coordinator Rs,")
    assert "Reviewer је одобрио/ла извештај: Србија — " in serbian.body
    albanian = mails[users.contributor_rs.email]
    assert albanian.subject == f"Reviewer miratoi: Serbia — {rnd.title}"
    assert "miratoi raportin: Serbia — " in albanian.body


def test_the_reset_mail_follows_the_page_when_the_account_has_no_language(client, users):
    client.post("/forgot-password", data={"email": users.contributor_al.email}, headers={"Accept-Language": "sq"})
    mail = db.session.scalar(sa.select(OutgoingMail).where(OutgoingMail.recipient == users.contributor_al.email)
                             .order_by(OutgoingMail.id.desc()))
    assert mail.subject == ("Rivendosja e fjalëkalimit në portalin e raportimit për kundërterrorizmin "
                            "në Ballkanin Perëndimor")
    assert "Zgjidhni një fjalëkalim të ri këtu" in mail.body


def test_form_errors_and_flashes_are_translated(client, users):
    response = client.post("/login", data={"email": users.coordinator_al.email, "password": "wrong"},
                           headers={"Accept-Language": "mk"})
    html = response.get_data(as_text=True)
    assert "Во образецот има грешка" in html
    assert "Адресата на е-пошта или лозинката не се точни." in html


def test_error_pages_are_translated_and_keep_their_bytes_for_missing_and_refused(client, app):
    html = client.get("/no/such/page", headers={"Accept-Language": "bs"}).get_data(as_text=True)
    assert "<h1>Stranica nije pronađena</h1>" in html and "Greška 404" in html

