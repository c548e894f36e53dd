"""The screens of issue 17's second part in a partner language: the administration, the rounds desk,
comments and feedback, documents, consent, the report's history, webhooks and the plan catalogue.
Signed in with an account whose language is Macedonian or Albanian, each page speaks it: its own
translated text is there, and no English string of the portal's catalogue is left in what the page
shows (names from the data and the plan's English reference text are allowed)."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

from ctportal.models import Comment, PlanVersion, Report, User, Visibility, db
from ctportal.services.review import comments as comment_service
from tests.factories import fill_report, make_round, report_of, request_changes, submit
from tests.i18n_support import english_left, tool

# What the data brings (people's, rounds' and plans' names, codes) and the EU's own markings.
ALLOWED = {"Progress report 2026", "LIMITE", "RESTREINT UE/EU RESTRICTED", "API", "JSON", "YAML", "XLSX", "CSV",
           "HMAC-SHA256", "SHA-256", "WEBHOOK_ALLOWED_HOSTS", "ST 1/26", "jap-2018", "English", "Word (DOCX)", "DOCX"}


@pytest.fixture(autouse=True)
def _compiled():
    tool()  # compiles the catalogues when a .mo is missing or stale


class _Shown(HTMLParser):
    """The text a reader meets: text nodes and the labels of controls (aria-label, placeholder,
    title), outside <script>, <style>, hidden elements (the idle warning until it shows), the
    plan's English action texts (.action-text) and what is marked as English (lang="en")."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._stack: list[bool] = []

    VOID = {"br", "input", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("aria-label", "placeholder", "title"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag in self.VOID:
            return
        skip = (tag in ("script", "style") or "hidden" in values or "action-text" in (values.get("class") or "").split()
                or (tag != "html" and (values.get("lang") or "").startswith("en")))
        self._stack.append(skip)
        self._skip += skip

    def handle_endtag(self, tag):
        if tag in self.VOID or not self._stack:
            return
        self._skip -= self._stack.pop()

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _speaks(client, path: str, code: str, *expected: str, allowed: set[str] = frozenset()) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    text = shown(html)
    for phrase in expected:
        assert phrase in text, f"{path}: «{phrase}» not on the {code} page"
    accounts = list(db.session.scalars(db.select(User)))
    names = ALLOWED | set(allowed) | {u.name for u in accounts} | {u.email for u in accounts}
    # Longest first: a comment that names its author is taken out whole before the author's name.
    left = english_left(text, code, sorted(names, key=len, reverse=True))  # type: ignore[arg-type]
    assert left == [], f"{path}: English left on a {code} page: {left}"
    return html


def _language(users, key: str, code: str) -> User:
    user = users[key]
    db.session.get(User, user.id).language = code
    db.session.commit()
    return user


def test_the_administration_speaks_macedonian(client, auth, users):
    admin = _language(users, "admin", "mk")
    auth.login("admin")
    _speaks(client, "/admin/users", "mk", "Сметки", "Поканете корисник", "Последна најава")
    _speaks(client, "/admin/users/invite", "mk", "Поканете корисник", "Испрати ја поканата")
    plans = {v.title for v in db.session.scalars(db.select(PlanVersion))}  # the plan's own (English) title
    _speaks(client, "/plans/", "mk", "Вчитајте ревидиран каталог", "Провери и вчитај", allowed=plans)
    _speaks(client, "/admin/parties", "mk", "Страни и најава во два чекора", "По избор")
    other = users.coordinator_al
    _speaks(client, f"/admin/users/{other.id}", "mk", "Дејства за сметката", "Име, улога и страна")
    assert admin.language == "mk"

    # A form error and a flash in the account's language too.
    response = client.post("/admin/users/invite", data={"name": "", "email": "not an address", "role": "observer",
                                                        "party": ""})
    text = shown(response.get_data(as_text=True))
    assert "Внесете го името на лицето." in text and "Enter the person's name." not in text
    response = client.post(f"/admin/users/{other.id}/unlock", follow_redirects=True)
    assert f"{other.name} е одблокиран/а." in shown(response.get_data(as_text=True))


def test_the_rounds_desk_speaks_macedonian(client, auth, users):
    rnd = make_round()
    db.session.commit()
    _language(users, "secretariat", "mk")
    auth.login("secretariat")
    _speaks(client, "/rounds/", "mk", "Кругови на известување", "Подгответе нов круг")
    _speaks(client, f"/rounds/{rnd.id}", "mk", "Кој каде е", "Испрати потсетник", "уште")
    _speaks(client, f"/rounds/{rnd.id}/extend", "mk", "Продолжете го рокот за една страна")
    party = report_of(rnd, "AL").party
    response = client.post(f"/rounds/{rnd.id}/extend", data={
        "party_id": party.id, "new_deadline": rnd.submission_deadline.isoformat(), "reason": "Избори."})
    text = shown(response.get_data(as_text=True))  # the rounds service's refusal, the date in Macedonian
    assert "Новиот рок мора да биде подоцна од тековниот" in text and "must be later" not in text
    plans = {v.title for v in db.session.scalars(db.select(PlanVersion))}  # the plan's own (English) title
    _speaks(client, "/rounds/new", "mk", "Период на известување", "Подготви го кругот", allowed=plans)


def test_a_partner_reads_feedback_history_comments_and_sharing_in_albanian(client, auth, users):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    entry = report.entries[0]
    comment_service.post_comment(report, users.reviewer, "Please add the dates.", visibility=Visibility.shared,
                                 entry=entry)
    request_changes(report, users.reviewer)
    db.session.commit()
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    # Comments are what people (and the workflow's system comments) wrote: data, shown as written.
    bodies = {c.body for c in db.session.scalars(db.select(Comment).where(Comment.report_id == report.id))}
    data = bodies | {"Please complete objective 1.", entry.key}
    _speaks(client, f"/reports/{report.id}/feedback", "sq", "Komentet e Komisionit", "Zërat që kërkojnë rishikim",
            allowed=data)
    # The history's event titles ("Dorëzuar", "Koment për zërin …") are the review services', translated.
    _speaks(client, f"/reports/{report.id}/timeline", "sq", "Historiku i raportit", "Koment për zërin",
            allowed=data)
    _speaks(client, f"/reports/{report.id}/entries/{entry.id}/comments", "sq", "Koment i ri për", "Publiko komentin",
            allowed=data)
    _speaks(client, "/sharing/", "sq", "Pëlqimi sipas raundit", allowed=data)

    response = client.post(f"/reports/{report.id}/entries/{entry.id}/comments",
                           data={"body": "Done.", "visibility": "shared"}, follow_redirects=True)
    assert "Komenti juaj u publikua." in shown(response.get_data(as_text=True))


def test_a_partner_uploads_in_albanian(client, auth, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    db.session.commit()
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    html = _speaks(client, f"/reports/{report.id}/documents/upload", "sq", "Ngarkoni një dokument",
                   "Asnjë informacion i klasifikuar.")
    assert re.search(r"jo më shumë se \d+ MB", shown(html))
    # The documents service's refusal, under its field, in the account's language.
    response = client.post(f"/reports/{report.id}/documents/upload", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b""), "empty.pdf", "application/pdf"), "sensitivity": "limite",
                                 "title": ""})
    text = shown(response.get_data(as_text=True))
    assert "Skedari është bosh." in text and "The file is empty." not in text


def test_webhooks_and_the_outbox_speak_albanian(client, auth, users):
    _language(users, "admin", "sq")
    auth.login("admin")
    _speaks(client, "/admin/webhooks/", "sq", "Krijoni një webhook", "Një raport miratohet")
    _speaks(client, "/admin/outbox", "sq", "Ende nuk ka mesazhe.")
    response = client.post("/admin/webhooks/", data={"url": "", "events": []})
    text = shown(response.get_data(as_text=True))
    assert "Adresa: shkruani adresën https:// që merr ngjarjet." in text and "Address:" not in text


def test_english_stays_as_it_was(client, auth, users):
    rnd = make_round()
    db.session.commit()
    auth.login("secretariat")
    text = shown(client.get(f"/rounds/{rnd.id}").get_data(as_text=True))
    assert "Who stands where" in text and "Send reminder" in text
    assert isinstance(db.session.get(Report, report_of(rnd, "AL").id), Report)
