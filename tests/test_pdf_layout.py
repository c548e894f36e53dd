"""Council-document fidelity and layout (issue 15, item 8), read back from the PDF: nothing past
the right margin in the documents annex (a long file name wraps), the counts table with one row a
party (no two names run together) and a legend, the cover's subject codes and "From" per round."""
from __future__ import annotations

import re
import subprocess

import pytest

from ctportal.demo.documents import attach_document
from ctportal.models import CompiledReport, CompileState, db
from ctportal.services.editions import editions as compile_service
from ctportal.infra import storage
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_pdf_compile import pdftext

LONG_NAME = "RS_Statistical_Annex_of_the_Ministry_of_Interior_on_terrorism_cases_2025-2026_final_version_v3.pdf"
_ONCE: dict = {}


@pytest.fixture
def edition(app, users):
    if "path" not in _ONCE:
        rnd = make_round()
        rnd.cover_from = "Commission services (DG HOME)"
        rnd.subject_codes = "JAI 812, CT 96 COTER 101 COWEB 93 ENFOPOL 318"
        report = fill_report(report_of(rnd, "RS"))
        attach_document(report, report.entries[0], users.coordinator_rs, LONG_NAME, "Statistical annex", ["x"])
        db.session.commit()
        approve(submit(report, users.coordinator_rs), users.reviewer)
        made = compile_service.start_compile(rnd, users.secretariat)
        db.session.commit()
        compile_service.run_compile(made.id)
        db.session.expire_all()
        made = db.session.get(CompiledReport, made.id)
        assert made.state == CompileState.done, made.error
        path = storage.path_for("compiled", made.stored_name)
        _ONCE.update(path=path, pages=pdftext(path), bytes=path.read_bytes())
    return _ONCE


def _words(path, page: int):
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True).stdout.decode()
    return [(m.group(5), float(m.group(3))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_no_word_of_the_documents_annexes_runs_past_the_right_margin(edition):
    pages = [n for n, text in enumerate(edition["pages"], 1)
             if "Supporting documents" in text or "RS_Statistical" in text]
    assert pages
    for page in pages:
        words = _words(edition["path"], page)
        edge = max(x for word, x in words if word == "LIMITE")  # the running header's right end
        over = [(word, x) for word, x in words if x > edge + 1]
        assert over == [], (page, over)
    # read in reading order (not laid out), the wrapped name comes back whole, and "Marking" unclipped
    raw = subprocess.run(["pdftotext", str(edition["path"]), "-"], check=True, capture_output=True).stdout.decode()
    assert LONG_NAME in "".join(raw.split()) and "Marking" in raw


def test_the_counts_table_has_a_row_per_party_and_a_legend(edition):
    summary = next(p for p in edition["pages"] if "Actions per objective and party" in p and "Contents" not in p)
    lines = [" ".join(line.split()) for line in summary.splitlines()]
    assert "MontenegroNorth" not in summary.replace(" ", "")
    assert any(line.startswith("Montenegro No approved report") for line in lines)
    assert any(line.startswith("Eurojust No approved report") for line in lines)
    assert re.search(r"Serbia \d+ of \d+ achieved", " ".join(lines))
    assert "“no action”: the objective addresses none of its actions to the party" in " ".join(lines)


def test_the_cover_carries_the_rounds_subject_codes_and_from(edition):
    cover = [" ".join(line.split()) for line in edition["pages"][0].splitlines()]
    joined = "\n".join(cover)
    for code in ("JAI 812", "CT 96", "COTER 101", "COWEB 93", "ENFOPOL 318"):
        assert code in cover, joined
    assert "From: Commission services (DG HOME)" in joined


def _line_words(path, page: int):
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True).stdout.decode()
    return [(m.group(5), float(m.group(1)), float(m.group(4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_the_footer_line_is_a_council_documents(edition):
    """Document number at the left, "n / N" in the middle, LIMITE and EN at the right, one baseline."""
    total = len(edition["pages"])
    for page in (1, 2, total):
        words = _line_words(edition["path"], page)
        bottom = max(y for _, _, y in words)
        line = [w for w, _, y in sorted(words, key=lambda w: w[1]) if abs(y - bottom) < 0.5]
        assert line == ["ST", "1/26", str(page), "/", str(total), "LIMITE", "EN"], (page, line)
