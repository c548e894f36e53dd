"""A party's own PDF: its approved or submitted revision, never the Commission assessment; hostile text stays inert."""
from __future__ import annotations

import re
import subprocess

import sqlalchemy as sa
from pypdf import PdfReader

from ctportal.models import AuditEvent, db
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_pdf_safety import canary  # noqa: F401 - fixture


def text_of(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "party.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return out.split("\f")[:-1]


def test_a_party_downloads_its_submitted_report_with_its_cyrillic_text(app, users, auth, client, tmp_path):
    rnd = make_round()
    report = fill_report(report_of(rnd, "RS"), "Стратегија за борбу против тероризма усвојена {key}")
    submit(report, users.coordinator_rs)
    auth.login("contributor_rs")
    response = client.get(f"/compile/reports/{report.id}/pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    pages = text_of(response.data, tmp_path)
    flat = re.sub(r"\s+", " ", " ".join(pages))
    assert "Стратегија за борбу против тероризма усвојена 1.P1" in flat
    assert "submitted, not approved" in flat
    for n, page in enumerate(pages, start=1):
        assert "LIMITE" in page and re.search(rf"\b{n}\s*/\s*{len(pages)}\b", page), f"page {n}"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.pdf_download"))
    assert event.object_id == report.id and event.actor_id == users.contributor_rs.id


def test_kosovo_own_pdf_carries_the_footnote(app, users, auth, client, tmp_path):
    rnd = make_round()
    report = fill_report(report_of(rnd, "XK"), "Raporti i Kosovës: përparim në çdo fushë {key}")
    submit(report, users.coordinator_xk)
    approve(report, users.reviewer)
    auth.login("coordinator_xk")
    response = client.get(f"/compile/reports/{report.id}/pdf")
    pages = text_of(response.data, tmp_path)
    cover = re.sub(r"\s+", " ", pages[0])
    assert "Kosovo*" in cover and "This designation is without prejudice" in cover
    assert "Raporti i Kosovës: përparim në çdo fushë" in re.sub(r"\s+", " ", " ".join(pages))


def test_a_second_download_reuses_the_rendered_pdf(app, users, auth, client):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), "Përparim {key}")
    submit(report, users.coordinator_al)
    auth.login("reviewer")
    first = client.get(f"/compile/reports/{report.id}/pdf").data
    second = client.get(f"/compile/reports/{report.id}/pdf").data
    assert first == second


def test_hostile_report_text_reads_no_file_and_reaches_no_server(app, users, auth, client, tmp_path, canary):  # noqa: F811 - the fixture imported above
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-FILE-CONTENT")
    hostile = (f"![x](file:///etc/passwd) ![y]({secret.as_uri()}) ![z]({canary.url}/img.png)\n\n"
               f'<link rel="attachment" href="{secret.as_uri()}">\n\n'
               f'<link rel="stylesheet" href="{canary.url}/s.css">\n\n'
               f'<style>@import url("{canary.url}/import.css"); @import "{secret.as_uri()}";</style>\n\n'
               f'<img src="{canary.url}/raw.png"> <iframe src="{secret.as_uri()}"></iframe>\n\n'
               f"[link]({canary.url}/link) Hostile ë ç {{key}}")
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), hostile)
    submit(report, users.coordinator_al)
    auth.login("coordinator_al")
    response = client.get(f"/compile/reports/{report.id}/pdf")
    assert response.status_code == 200
    data = response.data
    assert b"TOP-SECRET" not in data and b"root:x:0" not in data
    assert b"/EmbeddedFile" not in data
    root = PdfReader(tmp_path.joinpath("h.pdf") if False else __import__("io").BytesIO(data)).trailer["/Root"]
    assert "/EmbeddedFiles" not in (root.get("/Names") or {})
    flat = re.sub(r"\s+", " ", " ".join(text_of(data, tmp_path)))
    assert "Hostile ë ç 1.P1" in flat and "TOP-SECRET" not in flat and "root:" not in flat
    assert canary.hits == []
