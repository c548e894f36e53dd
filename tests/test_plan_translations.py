"""The plan's texts in the partners' languages (issue 17, item 1): plans/<plan>/<language>.yaml,
validated against the plan by domain/catalogue.parse_translation; the screens show the page's language
with the English reference one click away (<details>, no script), fall back to English silently where
nothing is translated, and the consolidated report, the PDFs and the exports stay English."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctportal.domain import catalogue, languages
from ctportal.domain.catalogue import CatalogueError, parse_catalogue, parse_translation, translation_files
from ctportal.models import Entry, db
from ctportal.services.reporting.plan_cache import action_of
from tests.factories import make_round, report_of
from tests.i18n_support import tool

PLAN = parse_catalogue(catalogue.DEFAULT_CATALOGUE)
ENGLISH_1P1 = next(a.text for a in PLAN.actions if a.code == "1.P1")


@pytest.fixture(autouse=True)
def _compiled():
    tool()


def test_every_partner_language_has_the_five_objective_titles_and_objective_1_in_full():
    files = {f.stem: f for f in translation_files(PLAN.code)}
    assert set(files) == set(languages.CODES) - {"en"}
    objective_1 = {a.code for a in PLAN.objectives[0].actions}
    for code, path in files.items():
        found = parse_translation(path, PLAN)
        assert found.language == code and set(found.objectives) == {1, 2, 3, 4, 5}
        assert set(found.actions) == objective_1
        assert {g for n, g in found.lead_ins if n == 1} == {g.actor_group.value for g in PLAN.objectives[0].groups}
        english = {a.text for a in PLAN.actions} | {o.title for o in PLAN.objectives}
        assert not english & (set(found.actions.values()) | set(found.objectives.values())), code


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "line", "problem"), [
    ("plan: jap-2019\nlanguage: mk\nobjectives:\n  - number: 1\n    title: Цел\n", 1, "is not the plan 'jap-2018'"),
    ("plan: jap-2018\nlanguage: de\nobjectives:\n  - number: 1\n    title: Ziel\n", 2, "unknown language 'de'"),
    ("plan: jap-2018\nlanguage: mk\nobjectives:\n  - number: 9\n    title: Цел\n", 4, "objective 9 is not in plan"),
    ("plan: jap-2018\nlanguage: mk\nobjectives:\n  - number: 1\n    actions:\n      2.P1: Текст\n", 6,
     "unknown key '2.P1' in actions of objective 1"),
    ("plan: jap-2018\nlanguage: mk\nobjectives:\n  - number: 1\n    lead_ins:\n      europol: Текст\n", 6,
     "unknown key 'europol' in lead-ins of objective 1"),
    ("plan: jap-2018\nlanguage: mk\nobjectives:\n  - number: 2\n    title: \"Цел  два\"\n", 5, "double space"),
])
def test_a_translation_is_refused_naming_its_line(tmp_path, body, line, problem):
    with pytest.raises(CatalogueError) as caught:
        parse_translation(_write(tmp_path, "mk.yaml", body), PLAN)
    assert caught.value.line == line and problem in caught.value.problem


def test_a_translation_file_named_after_another_language_is_refused(tmp_path):
    path = _write(tmp_path, "sq.yaml", "plan: jap-2018\nlanguage: mk\nobjectives:\n  - number: 1\n    title: Цел\n")
    with pytest.raises(CatalogueError, match="name it mk.yaml"):
        parse_translation(path, PLAN)


def _entry(report, code: str) -> Entry:
    return next(e for e in report.entries if action_of(e).code == code)


def _details(html: str) -> str:
    found = re.search(r'<details class="plan-reference[^"]*">(.*?)</details>', html, re.S)
    assert found, "no English reference on the page"
    return found.group(1)


def test_the_entry_form_shows_the_translation_with_the_english_reference_one_click_away(client, auth, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    db.session.commit()
    db.session.get(type(users.coordinator_al), users.coordinator_al.id).language = "sq"
    db.session.commit()
    auth.login("coordinator_al")
    html = client.get(f"/reports/{report.id}/entries/{_entry(report, '1.P1').id}").get_data(as_text=True)
    sq = parse_translation(catalogue.PLANS_DIR / "jap-2018" / "sq.yaml", PLAN)
    assert f'<span lang="sq">{sq.actions["1.P1"]}</span>'.replace("'", "&#39;") in html
    assert f'<span lang="sq">{sq.lead_ins[(1, "partner")]}</span>' in html
    reference = _details(html)
    assert "Teksti i referencës në anglisht" in reference and 'lang="en"' in reference
    assert ENGLISH_1P1[:60] in reference and sq.actions["1.P1"] not in reference
    # The section page: the objective's title in Albanian, its English one click away.
    section = client.get(f"/reports/{report.id}/sections/1").get_data(as_text=True)
    assert sq.objectives[1] in section and PLAN.objectives[0].title in _details(section)

    # An action not translated (objective 2): its text in English, marked so; the objective's title translated.
    html = client.get(f"/reports/{report.id}/entries/{_entry(report, '2.P1').id}").get_data(as_text=True)
    english_2p1 = next(a.text for a in PLAN.actions if a.code == "2.P1")
    assert f'<span lang="sq">{sq.objectives[2]}</span>' in html
    assert f'<span lang="en">{english_2p1[:40]}' in html.replace("&#39;", "'")


def test_without_a_translation_the_english_is_shown_alone(client, auth, users, monkeypatch):
    rnd = make_round()
    report = report_of(rnd, "RS")
    db.session.commit()
    auth.login("coordinator_rs")  # no language chosen: English
    url = f"/reports/{report.id}/entries/{_entry(report, '1.P1').id}"
    html = client.get(url).get_data(as_text=True)
    assert "plan-reference" not in html and ENGLISH_1P1[:60] in html
    # A language whose file is missing (or broken: logged and left out) falls back to English silently.
    from ctportal.pages import reports as pages
    monkeypatch.setattr(pages, "plan_translation", lambda plan, code: None)
    db.session.get(type(users.coordinator_rs), users.coordinator_rs.id).language = "sr"
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "plan-reference" not in html and ENGLISH_1P1[:60] in html and "Референтни текст" not in html


def test_the_consolidated_report_stays_english(app, users):
    """The PDFs read the plan from the database (services/editions/content), never the translations."""
    import ctportal.services.editions as editions_pkg
    root = Path(editions_pkg.__file__).parent
    sources = " ".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    assert "plan_translation" not in sources and "local_plan" not in sources
    pdf_templates = Path(catalogue.__file__).parent.parent / "pdf" / "templates"
    assert not any("local_plan" in p.read_text(encoding="utf-8") for p in pdf_templates.rglob("*.html"))
