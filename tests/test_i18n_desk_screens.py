"""The desk screens of issue 17 in a partner language: the audit trail, the notifications, the
Commission's texts (judgement), the priority actions and the progress map across rounds.
Signed in with an account whose language is Macedonian or Albanian, each page speaks it: its own
translated text is there, and no English string of the portal's catalogue is left in what the page
shows (names from the data, the plan's English reference text and what people wrote are allowed)."""
from __future__ import annotations

import io
import re

import pikepdf
import pytest
import sqlalchemy as sa

from ctportal.domain.catalogue import DEFAULT_CATALOGUE
from ctportal.models import Action, Assessment, Notification, Objective, Party, PlanVersion, RoundState, User, db
from ctportal.services.review import judgement
from ctportal.services.review import reviews
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit
from tests.i18n_support import english_left, tool
from tests.test_i18n_screens import ALLOWED, shown

# The map's cells name each action by its code and the first words of the plan's English text.
_SNIPPET = re.compile(r'<span class="action-snippet">.*?</span>', re.S)
# The audit trail's record as stored — its action codes (account.created), the command that checks
# the chain and each event's detail (JSON keys) — reads the same in every language.
_RECORD = re.compile(r'<code>.*?</code>|<details class="audit-detail">.*?</details>', re.S)


@pytest.fixture(autouse=True)
def _compiled():
    tool()  # compiles the catalogues when a .mo is missing or stale


def _language(users, key: str, code: str) -> User:
    user = users[key]
    db.session.get(User, user.id).language = code
    db.session.commit()
    return user


def _plan_texts() -> set[str]:
    """The plan's own (English reference) words: version titles, objective titles, action texts (whole,
    and cut at 100 characters as the priority form's choices show them)."""
    actions = set(db.session.scalars(sa.select(Action.text)))
    return ({v.title for v in db.session.scalars(sa.select(PlanVersion))}
            | set(db.session.scalars(sa.select(Objective.title))) | actions | {a[:100] for a in actions})


def _check(html: str, path: str, code: str, expected: tuple[str, ...], allowed: set[str]) -> str:
    text = shown(_RECORD.sub(" ", _SNIPPET.sub(" ", html)))
    for phrase in expected:
        assert phrase in text, f"{path}: «{phrase}» not on the {code} page"
    accounts = list(db.session.scalars(sa.select(User)))
    names = ALLOWED | allowed | {u.name for u in accounts} | {u.email for u in accounts}
    # Longest first (a list: a set would lose the order, and "report" taken out of "Progress report 2026"
    # would leave "Progress" behind, depending on the hash seed).
    left = english_left(text, code, sorted(names, key=len, reverse=True))  # type: ignore[arg-type]
    assert left == [], f"{path}: English left on a {code} page: {left}"
    return text


def _speaks(client, path: str, code: str, *expected: str, allowed: set[str] = frozenset()) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return _check(response.get_data(as_text=True), path, code, expected, set(allowed))


def test_the_audit_trail_speaks_macedonian(client, auth, users):
    rnd = make_round()
    submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    db.session.commit()
    _language(users, "secretariat", "mk")
    auth.login("secretariat")
    # The record's object types ("report") are stored identifiers, shown as they are.
    text = _speaks(client, "/audit/", "mk", "Ревизорска трага", "Пребарај", "Извези ги овие настани како CSV",
                   "Вид на објект", "Порталот создаде сметка за", allowed={"report"})
    assert re.search(r"Пронајдени се \d+ настани", text)
    # The search form's own error, under its field, in the account's language.
    response = client.get("/audit/?since=2026-05-01&until=2026-04-01")
    text = shown(response.get_data(as_text=True))
    assert "Крајот на периодот не може да биде пред неговиот почеток." in text
    assert "cannot be before its start" not in text


def test_notifications_speak_albanian(client, auth, users):
    _language(users, "reviewer", "sq")
    submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    db.session.commit()
    auth.login("reviewer")
    # The notification is written in its recipient's language when it is made; its subject and body
    # are what it says (data), the list around it is the portal's.
    items = list(db.session.scalars(sa.select(Notification).where(Notification.user_id == users.reviewer.id)))
    assert items
    data = {n.subject for n in items} | {n.body for n in items} | {n.link for n in items}
    text = _speaks(client, "/notifications/", "sq", "Njoftimet", "1 i palexuar", "Shëno të gjitha si të lexuara",
                   "Mesazhi", "Hape", "Shëno si të lexuar", allowed=data)
    assert "E re" in text
    client.post("/notifications/read-all")
    _speaks(client, "/notifications/", "sq", "0 të palexuara", allowed=data)


def test_the_commissions_texts_speak_macedonian(client, auth, users):
    rnd = make_round()
    db.session.commit()
    _language(users, "reviewer", "mk")
    auth.login("reviewer")
    plan = _plan_texts()
    _speaks(client, f"/judgement/rounds/{rnd.id}", "mk", "Текстовите на Комисијата", "Вовед", "Заклучоци",
            "Не е напишан", "Напишал/а", allowed=plan)
    url = f"/judgement/rounds/{rnd.id}/texts/party-AL"
    _speaks(client, url, "mk", "Оценка на партнерот", "Севкупна оценка", "Сè уште не е оценето", "Препораки",
            "Препорака 1: кодови на активностите", allowed=plan)
    assert 'value="Зачувај како нацрт"' in client.get(url).get_data(as_text=True)  # a button's name is its value
    # The service's refusal under its field, in the account's language.
    base = {"rows": "3", "assessment": "backsliding", "body": "Напредок."}
    bad = client.post(url, data={**base, "save": "Save", "rec_2_body": "Усвојте го", "rec_2_codes": "1.P1, 77.X"})
    text = shown(bad.get_data(as_text=True))
    assert "Препорака 1: 77.X не е код на активност од планот на овој круг." in text
    assert "is not an action code" not in text
    good = client.post(url, data={**base, "save": "Save", "rec_1_body": "Усвојте го", "rec_1_codes": "1.P1"},
                       follow_redirects=True)
    text = _check(good.get_data(as_text=True), url, "mk",
                  ("зачувано како нацрт (верзија 1)", "Назадување", "Последната измена ја внесе",
                   "Нацрт"), plan | {"Напредок.", "Усвојте го"})
    assert "Одобри ја верзијата" not in text  # the writer never approves their own text


def test_a_partner_reads_its_final_assessment_in_albanian(client, auth, users, monkeypatch):
    rnd = make_round()
    slot = judgement.slot_of(rnd, "party-AL")
    text = judgement.save(rnd, slot, users.reviewer, body="Albania advanced.", assessment=Assessment.good_progress,
                          recommendations=[judgement.RecommendationInput("Adopt the strategy", ["1.P1"])])
    judgement.approve(rnd, text, users.reviewer2, version=text.version)
    db.session.commit()
    from ctportal import policy
    monkeypatch.setattr(policy, "may_read_commission_text", lambda user, t: True)  # as once the final edition has it
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    _speaks(client, f"/judgement/rounds/{rnd.id}/texts/party-AL", "sq", "Teksti i Komisionit",
            "Vlerësimi i përgjithshëm", "Progres i mirë", "Rekomandimet",
            allowed={"Albania advanced.", "Adopt the strategy", "Shqipëria"})


def test_priority_actions_speak_albanian(client, auth, users):
    make_round()
    db.session.commit()
    al = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    action = db.session.scalar(sa.select(Action).where(Action.code == "2.P1"))
    _language(users, "reviewer", "sq")
    auth.login("reviewer")
    # Albanian "Data" (the date) is spelt as the English column "Data" of the map: the Albanian word.
    plan = _plan_texts() | {"Data e synuar"}
    _speaks(client, "/priorities/", "sq", "Veprimet prioritare", "Veprimet prioritare në fuqi", "Shqipëria")
    url = f"/priorities/party/{al.id}"
    _speaks(client, url, "sq", "Veprimet prioritare të Shqipëria", "Shtoni një veprim prioritar",
            "Veprimi i lidhur i planit", "Data e synuar", allowed=plan)
    # The form's own error, then the flash of an added priority, in the account's language.
    text = shown(client.post(url, data={"action_id": action.id, "text": ""}).get_data(as_text=True))
    assert "Përshkruani veprimin prioritar." in text and "Describe the priority action." not in text
    response = client.post(url, data={"action_id": action.id, "text": "Miratoni ligjin.", "target_date": "2027-06-30"},
                           follow_redirects=True)
    _check(response.get_data(as_text=True), url, "sq", ("u shtua", "Në fuqi", "Ndrysho", "Tërhiq"),
           plan | {"Miratoni ligjin.", "2.P1"})


def test_the_progress_map_and_across_rounds_speak_macedonian(client, auth, users):
    earlier = make_round("Progress report 2025", document_number="ST 1/25")
    report = fill_report(report_of(earlier, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    earlier.state = RoundState.closed
    rnd = make_round(document_number="ST 1/26")
    submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    db.session.commit()
    _language(users, "reviewer", "mk")
    auth.login("reviewer")
    plan = _plan_texts() | {"Progress report 2025", "ST 1/25"}
    text = _speaks(client, f"/progress/rounds/{rnd.id}", "mk", "Мапа на напредокот", "Легенда", "Низ круговите",
                   "Без наведен статус", "Активности по страна", "Цел 1", "Испрекинат раб", allowed=plan)
    assert "Поднесен, сè уште неодобрен" in text  # the data's source, for a report submitted, not approved
    _speaks(client, f"/progress/rounds/{rnd.id}/across", "mk", "Напредок низ круговите",
            "Остварен удел по круг", allowed=plan)


def test_a_pdf_refused_on_upload_says_why_in_albanian(client, auth, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    db.session.commit()
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    buf = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
        pdf.save(buf)
    response = client.post(f"/reports/{report.id}/documents/upload", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(buf.getvalue()), "minutes.pdf", "application/pdf"),
                                 "sensitivity": "limite", "title": "Procesverbali"})
    assert response.status_code == 422
    text = shown(response.get_data(as_text=True))
    assert "Ky PDF përmban JavaScript, që portali nuk e pranon." in text
    assert "Printojeni ose eksportojeni përsëri si PDF të thjeshtë" in text
    assert "which the portal does not accept" not in text


def test_the_home_page_lists_the_actions_to_revise_in_albanian(client, auth, users):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    reviews.save_entry_review(report, report.entries[0], users.reviewer, verdict=reviews.Verdict.needs_revision,
                              assessment=None, note="")
    request_changes(report, users.reviewer)
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    text = shown(client.get("/home").get_data(as_text=True))
    assert "Veprime për t'u rishikuar (1)" in text and "Kërkon rishikim" in text
    assert "Actions to revise" not in text and "Needs revision" not in text


def test_a_plan_code_already_loaded_is_refused_in_macedonian(client, auth, users):
    _language(users, "admin", "mk")
    auth.login("admin")
    response = client.post("/plans/", content_type="multipart/form-data", data={
        "catalogue": (io.BytesIO(DEFAULT_CATALOGUE.read_bytes()), "jap-2018.yaml")})
    text = shown(response.get_data(as_text=True))
    assert re.search(r"jap-2018\.yaml, ред \d+: верзијата на планот 'jap-2018' е веќе вчитана; "
                     r"ревидиран план бара нов код", text), text[-600:]
    assert "already loaded" not in text


def test_the_desk_in_english_reads_as_before(client, auth, users):
    rnd = make_round()
    db.session.commit()
    auth.login("reviewer")
    text = shown(client.get(f"/judgement/rounds/{rnd.id}").get_data(as_text=True))
    assert "The Commission's texts — Progress report 2026" in text and "Not written" in text
    text = shown(client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True))
    assert "Progress map" in text and "Dashed border: submitted, not yet approved" in text
