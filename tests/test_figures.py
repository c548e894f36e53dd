"""Figures per action (issue 18, item 4): indicators from the catalogue and from the Commission, the
numbers checked with messages naming the entry and the figure, frozen, diffed, carried into the next
round, shown on the review page, summed across parties, exported and printed — never another party's."""
from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from ctportal.domain import indicators as ind
from ctportal.domain.catalogue import CatalogueError, DEFAULT_CATALOGUE, load_catalogue, parse_catalogue
from ctportal.models import CompiledReport, CompileState, Entry, Indicator, RoundState, db
from ctportal.services.editions import editions as compile_service
from ctportal.services.reporting import figures as figure_service
from ctportal.services.review import diff
from ctportal.infra import storage
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_reporting_entries import entry_url, form_for, reload


def _entry(report, key: str) -> Entry:
    return next(e for e in report.entries if e.key == key)


def _indicator(key: str) -> Indicator:
    return db.session.scalar(sa.select(Indicator).where(Indicator.key == key, Indicator.round_id.is_(None)))


def _fields(key: str, **values: dict[str, str]) -> dict[str, str]:
    """Form fields of one indicator: category -> {column: text}."""
    indicator = _indicator(key)
    return {figure_service.field_name(indicator, cat, col): text
            for cat, cols in values.items() for col, text in cols.items()}


def _write(report, key: str, indicator_key: str, values: dict[str, dict[str, str]]) -> None:
    entry = _entry(report, key)
    indicator = _indicator(indicator_key)
    parsed = {(indicator.id, cat, col): Decimal(text) for cat, cols in values.items() for col, text in cols.items()}
    figure_service.write(entry, [indicator], parsed)
    db.session.commit()


@pytest.fixture
def rnd(app):
    return make_round()


# --- the catalogue --------------------------------------------------------------------------------------

def test_the_plan_declares_indicators_and_they_do_not_change_its_identity(app):
    catalogue = parse_catalogue(DEFAULT_CATALOGUE)
    found = {a.code: [(i.key, i.unit, i.disaggregation) for i in a.indicators]
             for a in catalogue.actions if a.indicators}
    assert found["2.P1"][0] == ("returnees", "persons", "age")
    assert ("prosecutions", "cases", "") in found["1.P2"] and ("trainings", "events", "") in found["2.P3"]
    # The plan's hash is that of the file without its indicators: a database that holds the plan keeps it.
    text = DEFAULT_CATALOGUE.read_text()
    without = re.sub(r"\n            indicators:\n(?:              .*\n)+", "\n", text)
    assert "indicators:" not in without
    import hashlib
    assert catalogue.sha256 == hashlib.sha256(without.encode()).hexdigest()


def test_an_indicator_added_to_a_loaded_plan_is_added_to_it(app, tmp_path):
    text = DEFAULT_CATALOGUE.read_text().replace(
        "            text: to re-inforce financial investigations in Counter-Terrorism efforts.\n",
        "            text: to re-inforce financial investigations in Counter-Terrorism efforts.\n"
        "            indicators:\n              - name: Financial investigations opened\n                unit: cases\n")
    path = tmp_path / "jap-2018.yaml"
    path.write_text(text)
    load_catalogue(path)
    db.session.commit()
    added = db.session.scalar(sa.select(Indicator).where(Indicator.key == "financial-investigations-opened"))
    assert added is not None and added.action.code == "4.P4" and added.unit == "cases"


@pytest.mark.parametrize(("block", "problem"), [
    ("              - name: Returnees\n                unit: people\n",
     "unknown unit 'people' of indicator 'Returnees' (expected one of persons, cases, events, EUR, percent)"),
    ("              - name: Returnees\n                unit: persons\n                disaggregation: gender\n",
     "unknown disaggregation 'gender' of indicator 'Returnees' (expected one of age, sex)"),
    ("              - name: Returnees\n                unit: persons\n              - name: returnees\n"
     "                unit: cases\n", "indicator 'returnees' appears twice in action 4.P4"),
])
def test_a_wrong_indicator_is_refused_naming_the_line(app, tmp_path, block, problem):
    text = DEFAULT_CATALOGUE.read_text().replace(
        "            text: to re-inforce financial investigations in Counter-Terrorism efforts.\n",
        "            text: to re-inforce financial investigations in Counter-Terrorism efforts.\n"
        "            indicators:\n" + block)
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(path)
    assert problem in caught.value.problem
    action_line = text[:text.index("code: 4.P4")].count("\n") + 1
    assert caught.value.line is not None and caught.value.line > action_line
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: ")


# --- checking and saving --------------------------------------------------------------------------------

def test_figures_are_checked_with_messages_naming_the_entry_and_the_figure(client, auth, rnd):
    al = report_of(rnd, "AL")
    entry = _entry(al, "2.P1")
    auth.login("contributor_al")
    data = form_for(entry, narrative="Kept only if all is right.",
                    **_fields("returnees", adults={"baseline": "12 abc", "target": "-3"}, minors={"actual": "2.5"}),
                    **_fields("returnees-in-programmes", adults={"actual": "1,5"}))
    response = client.post(entry_url(entry), data=data)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    for message in (
            "2.P1, figures, Returned Foreign Terrorist Fighters and family members (adults), baseline: enter a "
            "number, such as 12 or 3.5 (you entered “12 abc”).",
            "2.P1, figures, Returned Foreign Terrorist Fighters and family members (adults), target: a figure "
            "cannot be negative (you entered -3).",
            "2.P1, figures, Returned Foreign Terrorist Fighters and family members (minors), actual: persons are "
            "counted in whole numbers (you entered 2.5).",
            "2.P1, figures, Returnees in rehabilitation and reintegration programmes (adults), actual: persons are "
            "counted in whole numbers (you entered 1,5)."):
        assert message in page, message
    assert 'aria-invalid="true"' in page
    saved = reload(entry)
    assert saved.figures == [] and saved.narrative == ""


def test_units_bound_their_figures():
    assert ind.parse_figure("1 200", "persons") == (Decimal(1200), None)
    assert ind.parse_figure("12,50", "EUR") == (Decimal("12.50"), None)
    assert ind.parse_figure("101", "percent")[1] == ind.Refusal("most", "101", "100")
    assert ind.parse_figure("0.125", "EUR")[1].kind == "places"
    assert ind.parse_figure("", "persons") == (None, None)


def test_saved_figures_are_in_the_form_and_a_category_left_empty_has_no_row(client, auth, rnd):
    al = report_of(rnd, "AL")
    entry = _entry(al, "2.P1")
    auth.login("contributor_al")
    response = client.post(entry_url(entry), data=form_for(entry, **_fields(
        "returnees", adults={"baseline": "10", "target": "30", "actual": "1 204"})))
    assert response.status_code == 302
    saved = reload(entry)
    assert [(f.category, f.baseline, f.target, f.actual) for f in saved.figures] == [
        ("adults", Decimal(10), Decimal(30), Decimal(1204))]
    page = client.get(entry_url(saved)).get_data(as_text=True)
    assert 'value="1204"' in page and "Figures" in page
    # An entry of an action without indicators has no figures part.
    other = _entry(al, "1.P1")
    assert 'id="figures"' not in client.get(entry_url(other)).get_data(as_text=True)


def test_another_partys_figures_are_never_reachable(client, auth, rnd):
    rs = report_of(rnd, "RS")
    _write(rs, "2.P1", "returnees", {"adults": {"actual": "987654"}})
    auth.login("contributor_al")
    assert client.get(entry_url(_entry(rs, "2.P1"))).status_code == 404
    al_entry = _entry(report_of(rnd, "AL"), "2.P1")
    assert "987654" not in client.get(entry_url(al_entry)).get_data(as_text=True)
    assert "987654" not in client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/exports/rounds/{rnd.id}.xlsx").data))
    assert "987654" not in str([[c.value for c in row] for ws in wb for row in ws.iter_rows()])
    assert "987654" not in client.get(f"/exports/reports/{report_of(rnd, 'AL').id}.csv").get_data(as_text=True)


# --- the snapshot, the diff and the next round ----------------------------------------------------------

def _two_rounds(users):
    """Serbia approved in a first round with figures; the second round opened after it."""
    first = make_round("Progress report 2025", document_number="ST 1/25")
    first.period_start, first.period_end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    db.session.commit()
    rs = fill_report(report_of(first, "RS"))
    _write(rs, "2.P1", "returnees", {"adults": {"baseline": "20", "target": "60", "actual": "35"},
                                     "minors": {"baseline": "5", "target": "15", "actual": "9"}})
    _write(rs, "4.P3", "tf-reports", {"total": {"baseline": "3", "target": "10", "actual": "4"}})
    submit(rs, users.coordinator_rs)
    approve(rs, users.reviewer)
    second = make_round("Progress report 2026", document_number="ST 1/26")
    return first, rs, second


def test_the_snapshot_freezes_the_figures_and_the_diff_shows_them(app, users):
    first, rs, _second = _two_rounds(users)
    snap = {e["key"]: e for e in rs.revisions[-1].snapshot["entries"]}
    returnees = snap["2.P1"]["figures"][0]
    assert returnees["key"] == "returnees" and returnees["unit"] == "persons"
    assert returnees["values"]["adults"] == {"baseline": "20", "target": "60", "actual": "35"}
    assert "figures" not in snap["1.P1"]          # an action without indicators: the snapshot as before
    adults = {"baseline": "20", "target": "60", "actual": "41"}
    later = {**snap["2.P1"], "figures": [{**returnees, "values": {**returnees["values"], "adults": adults}},
                                         *snap["2.P1"]["figures"][1:]]}
    changes = {c.name: str(c.html) for c in diff.entry_changes(snap["2.P1"], later)}
    assert "figures" in changes and "<del>35</del><ins>41</ins>" in changes["figures"]


def test_the_next_round_starts_from_the_approved_baselines_and_targets(app, users):
    _first, _rs, second = _two_rounds(users)
    entry = _entry(report_of(second, "RS"), "2.P1")
    rows = {(f.category): (f.baseline, f.target, f.actual) for f in entry.figures}
    assert rows == {"adults": (Decimal(20), Decimal(60), None), "minors": (Decimal(5), Decimal(15), None)}
    # Another party had nothing approved: nothing is carried to it.
    assert _entry(report_of(second, "AL"), "2.P1").figures == []


def test_the_review_page_shows_the_figures_and_the_change_since_the_previous_round(client, auth, users):
    _first, _rs, second = _two_rounds(users)
    rs2 = fill_report(report_of(second, "RS"))
    _write(rs2, "2.P1", "returnees", {"adults": {"baseline": "20", "target": "60", "actual": "47"},
                                      "minors": {"baseline": "5", "target": "15", "actual": "7"}})
    submit(rs2, users.coordinator_rs)
    auth.login("reviewer")
    page = client.get(f"/review/reports/{rs2.id}/entries/{_entry(rs2, '2.P1').id}").get_data(as_text=True)
    section = page[page.index('class="figures-shown'):]
    section = section[:section.index("</section>")]
    assert "Returned Foreign Terrorist Fighters and family members" in section
    assert "Actual in Progress report 2025" in section
    cells = re.findall(r'<td class="text-end fig-num[^"]*">([^<]*)</td>', section)
    assert cells[:5] == ["20", "60", "47", "35", "+12"]           # adults: baseline, target, actual, before, change
    assert cells[5:10] == ["5", "15", "7", "9", "\u22122"]
    assert "Figures" in page[page.index('id="diff-round"'):]      # the change is in the diff since the round too


# --- Commission's indicators ----------------------------------------------------------------------------

def test_the_commission_adds_an_indicator_to_a_round_and_open_drafts_show_it(client, auth, users, rnd):
    auth.login("reviewer")
    url = f"/indicators/rounds/{rnd.id}"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"action_code": "2.P2", "name": "At-risk individuals", "unit": "people",
                                 "disaggregation": ""})
    assert bad.status_code == 422 and "Choose one of the listed units." in bad.get_data(as_text=True)
    response = client.post(url, data={"action_code": "2.P2", "name": "At-risk individuals", "unit": "persons",
                                      "disaggregation": "sex"})
    assert response.status_code == 302
    again = client.post(url, data={"action_code": "2.P2", "name": "At-risk  individuals", "unit": "cases",
                                   "disaggregation": ""})
    assert "already has an indicator of that name" in again.get_data(as_text=True)
    added = db.session.scalar(sa.select(Indicator).where(Indicator.round_id == rnd.id))
    assert (added.key, added.unit, added.disaggregation) == ("at-risk-individuals", "persons", "sex")
    auth.logout()
    auth.login("contributor_al")
    assert client.get(url).status_code == 403
    page = client.get(entry_url(_entry(report_of(rnd, "AL"), "2.P2"))).get_data(as_text=True)
    assert "At-risk individuals" in page and figure_service.field_name(added, "women", "actual") in page


def test_a_closed_round_takes_no_new_indicator(client, auth, rnd):
    rnd.state = RoundState.closed
    db.session.commit()
    auth.login("secretariat")
    response = client.post(f"/indicators/rounds/{rnd.id}", data={"action_code": "2.P2", "name": "X",
                                                                 "unit": "persons", "disaggregation": ""})
    assert response.status_code == 409
    assert db.session.scalar(sa.select(Indicator).where(Indicator.round_id == rnd.id)) is None


# --- totals, exports, the map and the PDF ---------------------------------------------------------------

def test_totals_add_the_same_indicator_in_the_same_unit_only():
    def entry(unit, adults, minors):
        return {"key": "2.P1", "kind": "action", "action_code": "2.P1", "figures": [
            {"key": "returnees", "name": "Returnees", "unit": unit, "categories": ["adults", "minors"],
             "values": {"adults": {"actual": adults}, "minors": {"actual": minors}}}]}
    found = ind.totals([("AL", {"2.P1": entry("persons", "3", "4")}), ("RS", {"2.P1": entry("persons", "10", None)}),
                        ("ME", {"2.P1": entry("cases", "100", "100")})])
    persons = next(t for t in found if t.unit == "persons")
    assert persons.total("adults") == 13 and persons.total("minors") == 4 and persons.grand_total() == 17
    assert set(persons.by_party) == {"AL", "RS"}
    assert next(t for t in found if t.unit == "cases").grand_total() == 200


def _approved_with_figures(users):
    rnd = make_round()
    for code, who, adults in (("AL", users.coordinator_al, "11"), ("RS", users.coordinator_rs, "30")):
        report = fill_report(report_of(rnd, code))
        _write(report, "2.P1", "returnees", {"adults": {"baseline": "1", "target": "50", "actual": adults},
                                             "minors": {"actual": "2"}})
        submit(report, who)
        approve(report, users.reviewer)
    return rnd


def test_the_export_has_the_figures_and_their_totals(client, auth, users):
    rnd = _approved_with_figures(users)
    auth.login("reviewer")
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/exports/rounds/{rnd.id}.xlsx").data))
    rows = [[c.value for c in row] for row in wb["Figures"].iter_rows()]
    assert rows[0] == ["Party", "Data shown", "Action code", "Indicator", "Unit", "Category", "Baseline", "Target",
                       "Actual"]
    assert ["Albania", "Approved", "2.P1", "Returned Foreign Terrorist Fighters and family members", "persons",
            "Adults", 1, 50, 11] in rows
    assert ["2 parties", None, "2.P1", "Returned Foreign Terrorist Fighters and family members", "persons",
            "Adults", None, None, 41] in rows
    csv = client.get(f"/exports/rounds/{rnd.id}.csv").get_data(as_text=True)
    assert ("Returned Foreign Terrorist Fighters and family members, adults (persons): baseline 1; target 50; "
            "actual 11") in csv
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    table = page[page.index('class="table table-sm table-bordered figures-map"'):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<td class="text-end fig-num">(?:<strong>)?([^<]*)', table)[:3] == ["11", "30", "41"]


def test_the_consolidated_report_prints_each_partys_figures_and_the_total(app, users):
    rnd = _approved_with_figures(users)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    done = db.session.get(CompiledReport, edition.id)
    assert done.state == CompileState.done, done.error
    path = Path(storage.path_for("compiled", done.stored_name))
    if os.environ.get("CTPORTAL_KEEP_TEST_PDF"):
        Path(os.environ["CTPORTAL_KEEP_TEST_PDF"]).write_bytes(path.read_bytes())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout.decode()
    assert "2.P1: Returned Foreign Terrorist Fighters and family members (persons), actual figures and total" in text
    table = text[text.index("actual figures and total"):]
    assert re.search(r"Category\s+Albania\s+Serbia\s+Total\s+Adults\s+11\s+30\s+41\s+Minors\s+2\s+2\s+4", table)
    # The edition in Word carries the same table, and each party's annex its own figures.
    import docx
    word = docx.Document(str(storage.path_for("compiled", done.docx_stored_name)))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in word.tables]
    assert [["Category", "Albania", "Serbia", "Total"], ["Adults", "11", "30", "41"],
            ["Minors", "2", "2", "4"]] in tables
    annex = [t for t in tables if t[0] == ["Indicator", "Baseline", "Target", "Actual"]]
    assert ["Returned Foreign Terrorist Fighters and family members: adults (persons)", "1", "50", "11"] in annex[0]


def test_two_saves_of_the_figures_from_one_version_are_a_conflict_showing_both(client, auth, rnd):
    entry = _entry(report_of(rnd, "AL"), "4.P3")
    auth.login("contributor_al")
    first = form_for(entry, **_fields("tf-reports", total={"actual": "7"}))
    second = form_for(entry, **_fields("tf-reports", total={"actual": "9"}))
    assert client.post(entry_url(entry), data=first).status_code == 302
    response = client.post(entry_url(entry), data=second)    # made from the version before the first save
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    row = page[page.index("<th scope=\"row\">Figures</th>"):]
    row = row[:row.index("</tr>")]
    assert "actual 7" in row and "actual 9" in row
    assert [f.actual for f in reload(entry).figures] == [Decimal(7)]
