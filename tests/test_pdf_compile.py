"""The consolidated PDF, opened and read back: pages, contents, narratives, markings, safety."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from ctportal.models import (Comment, CompiledReport, CompileState, EntryReview, Assessment, RenderedPart,
                             Visibility, db)
from ctportal.services.editions import editions as compile_service
from ctportal.infra import storage
from tests.factories import approve, fill_report, make_round, report_of, submit

ALBANIAN = "Policia e Shtetit përgatiti çështjen: ëndrra për çdo qytetar {key}"
SERBIAN = "Министарство унутрашњих послова Србије усвојило је стратегију {key}"
MACEDONIAN = "Министерството за внатрешни работи ѓ ќ ѕ љ њ џ донесе план {key}"
KOSOVO = "Policia e Kosovës raportoi përparim {key}"
INTERNAL = "INTERNAL-REVIEWER-ONLY-xyzzy"
UNAPPROVED = "Montenegro draft text that must not appear {key}"


def pdftext(path) -> list[str]:
    """The text of each page, as pdftotext extracts it."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout
    return out.decode("utf-8").split("\f")[:-1]


_ONCE: dict = {}


@pytest.fixture
def compiled(app, users, tmp_path):
    """One compile for the whole module (each takes seconds); the PDF is read back by every test."""
    if "pdf" not in _ONCE:
        rnd, edition, path = _compile(users)
        _ONCE.update(pdf=path.read_bytes(), pages=edition.page_count, sha=edition.sha256,
                     parties=sorted(r.report.party.code for r in edition.revisions))
    path = tmp_path / "edition.pdf"
    path.write_bytes(_ONCE["pdf"])
    if os.environ.get("CTPORTAL_KEEP_TEST_PDF"):
        Path(os.environ["CTPORTAL_KEEP_TEST_PDF"]).write_bytes(_ONCE["pdf"])
    return _ONCE, path


def _compile(users):
    rnd = make_round()
    plan = [("AL", ALBANIAN, users.coordinator_al), ("RS", SERBIAN, users.coordinator_rs),
            ("XK", KOSOVO, users.coordinator_xk)]
    for code, text, who in plan:
        report = fill_report(report_of(rnd, code), text)
        submit(report, who)
        if code == "AL":
            revision = report.revisions[-1]
            db.session.add(EntryReview(report_id=report.id, revision_id=revision.id, entry_id=report.entries[0].id,
                                       entry_key=report.entries[0].key, assessment=Assessment.good_progress,
                                       note="reviewer note " + INTERNAL, reviewer_id=users.reviewer.id))
            db.session.add(Comment(report_id=report.id, entry_id=report.entries[0].id, author_id=users.reviewer.id,
                                   visibility=Visibility.internal, body=INTERNAL))
            db.session.commit()
        approve(report, users.reviewer)
    from ctportal.models import Role
    from ctportal.services.accounts.users import create_user
    from tests.helpers import PASSWORD
    # North Macedonia approved (Macedonian Cyrillic); Montenegro submitted but not approved.
    mk = fill_report(report_of(rnd, "MK"), MACEDONIAN)
    submit(mk, create_user("coordinator.mk@example.eu", "Coordinator MK", Role.coordinator, mk.party, PASSWORD))
    approve(mk, users.reviewer)
    me = fill_report(report_of(rnd, "ME"), UNAPPROVED)
    submit(me, create_user("coordinator.me@example.eu", "Coordinator ME", Role.coordinator, me.party, PASSWORD))
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    return rnd, edition, storage.path_for("compiled", edition.stored_name)


def test_the_edition_records_what_it_contains(compiled):
    edition, path = compiled
    reader = PdfReader(path)
    assert edition["pages"] == len(reader.pages) > 10
    assert edition["sha"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert edition["parties"] == ["AL", "MK", "RS", "XK"]


def test_every_page_has_limite_the_document_number_and_n_of_total(compiled):
    edition, path = compiled
    pages = pdftext(path)
    assert len(pages) == edition["pages"]
    for n, text in enumerate(pages, start=1):
        assert "LIMITE" in text, f"page {n}"
        assert "ST 1/26" in text, f"page {n}"
        assert re.search(rf"\b{n} / {len(pages)}\b", text), f"page {n} lacks its number"
        assert re.search(r"\bEN\b", text), f"page {n}"


def _words(path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of each word on a page, as pdftotext -bbox places it."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_the_page_number_sits_centred_on_the_furniture_line(compiled):
    """The number is drawn at assembly (ctportal/pdf/numbers.py), the rest of the furniture by
    WeasyPrint: they must share a baseline, and "n / N" must be centred on the content box."""
    from ctportal.pdf.fetcher import CSS_FILE

    edition, path = compiled
    mm = 72 / 25.4
    # The content box as print.css sets it (top right bottom left), read from the stylesheet.
    _, right, _, left = (float(v) for v in re.search(
        r"@page \{ size: A4; margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm; \}", CSS_FILE.read_text()).groups())
    for page in (1, edition["pages"]):
        words = _words(path, page)
        en = next(w for w in words if w[0] == "EN")
        total = str(edition["pages"])
        number = [w for w in words if abs(w[2] - en[2]) < 0.5 and w[0] in (str(page), "/", total)]
        assert [w[0] for w in number] == [str(page), "/", total], (page, words[-6:])
        assert all(abs(w[4] - en[4]) < 0.5 for w in number)  # same line as "EN"
        middle = (number[0][1] + number[-1][3]) / 2
        assert abs(middle - (left * mm + (210 - left - right) * mm / 2)) < 0.5


def test_contents_page_numbers_point_at_the_right_pages(compiled):
    edition, path = compiled
    pages = pdftext(path)
    contents = next(i for i, t in enumerate(pages) if "Contents" in t and "Summary" in t)
    entries = re.findall(r"^\s*((?:Part \d|Annex [IVX]+) — [^\n]*?)\s{2,}(\d+)\s*$", pages[contents], re.M)
    assert len(entries) >= 5 + 3 + 1, pages[contents]
    for label, number in entries:
        target = pages[int(number) - 1]
        heading = label.split(" — ")[0]
        assert heading in target, f"{label!r} says page {number}, which starts: {target[:200]!r}"
    # The bookmarks agree with the contents.
    reader = PdfReader(path)
    titles = {str(o.title): reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)}
    annex_i = next(t for t in titles if t.startswith("Annex I —"))
    assert "Annex I" in pages[titles[annex_i]]
    assert int(dict((label.split(" — ")[0], n) for label, n in entries)["Annex I"]) == titles[annex_i] + 1


def test_contents_entries_are_links_to_their_pages(compiled):
    """Each entry (label and page number) links to the page it names, across the joined parts."""
    edition, path = compiled
    pages = pdftext(path)
    contents = next(i for i, t in enumerate(pages) if "Contents" in t and "Summary" in t)
    printed = {int(n) for n in re.findall(r"^\s*(?:Part \d|Annex [IVX]+) — [^\n]*?\s{2,}(\d+)\s*$",
                                           pages[contents], re.M)}
    reader = PdfReader(path)
    targets, uris = [], []
    for annot in reader.pages[contents].get("/Annots") or []:
        annot = annot.get_object()
        if "/Dest" in annot and not isinstance(annot["/Dest"], str):
            targets.append(reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
        elif "/A" in annot:
            uris.append(str(annot["/A"].get("/URI")))
    assert printed and set(targets) >= printed
    assert all(t in printed for t in targets if t > 4), targets  # no link to a page the contents do not name
    assert not [u for u in uris if u.startswith("ctportal-page:")]  # every one was resolved


def test_narratives_of_included_parties_are_there_and_others_are_not(compiled):
    edition, path = compiled
    text = "\n".join(pdftext(path))
    flat = re.sub(r"\s+", " ", text)
    for sample in ("Policia e Shtetit përgatiti çështjen", "ëndrra për çdo qytetar",
                   "Министарство унутрашњих послова Србије",
                   "Министерството за внатрешни работи ѓ ќ ѕ љ њ џ", "Policia e Kosovës raportoi përparim"):
        assert sample in flat, sample
    assert "Montenegro draft text" not in flat
    assert "Good progress" in flat  # the Commission's assessment
    assert INTERNAL not in flat     # neither internal comments nor reviewers' notes


def test_kosovo_has_its_star_and_footnote_once(compiled):
    edition, path = compiled
    pages = pdftext(path)
    flat = re.sub(r"\s+", " ", "\n".join(pages))
    assert "Kosovo*" in flat
    assert re.search(r"Kosovo(?!\*)\b(?! declaration)", flat.replace("Policia e Kosovës", "")) is None
    footnote = "This designation is without prejudice to positions on status"
    assert flat.count(footnote) == 1
    assert footnote in re.sub(r"\s+", " ", pages[0])  # on the cover, where Kosovo* is first named


def test_cover_names_included_and_missing_parties(compiled):
    edition, path = compiled
    cover = re.sub(r"\s+", " ", pdftext(path)[0])
    assert "LIMITE" in cover and "(OR. en)" in cover and "NOTE" in cover
    assert "Joint Action Plan on Counter-Terrorism for the Western Balkans" in cover
    included, missing = cover.split("not yet approved")
    assert "Albania" in included and "Serbia" in included
    assert "North Macedonia" in included
    assert "Montenegro" in missing and "Bosnia and Herzegovina" in missing


def test_no_embedded_files_and_fonts_embedded(compiled):
    edition, path = compiled
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in (root.get("/Names") or {})
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "CT-Serif" in fonts and all(" yes yes yes " in line for line in fonts.splitlines()[2:])


def test_a_warm_compile_reuses_every_part(app, users):
    rnd, edition, path = _compile(users)
    parts_before = db.session.scalar(sa.select(sa.func.count(RenderedPart.id)))
    again = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(again.id)
    db.session.expire_all()
    assert db.session.get(CompiledReport, again.id).state == CompileState.done
    assert db.session.scalar(sa.select(sa.func.count(RenderedPart.id))) == parts_before
    assert db.session.get(CompiledReport, again.id).page_count == edition.page_count


def _embedded_fonts(reader: PdfReader) -> dict[str, list]:
    """Face name (without the subset tag) -> the distinct font dictionaries naming it."""
    found: dict[str, dict[int, object]] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            face = str(font["/BaseFont"]).split("+", 1)[-1]
            found.setdefault(face, {})[ref.idnum] = font
    return {face: list(fonts.values()) for face, fonts in found.items()}


def test_each_face_is_embedded_once_for_the_whole_edition(compiled):
    """Every part embeds its own subsets; assembly keeps one font per face, holding every glyph
    any part draws (fontmerge.py), so the edition is not a stack of font copies."""
    from io import BytesIO

    from fontTools.ttLib import TTFont

    from ctportal.pdf import fontmerge

    edition, path = compiled
    reader = PdfReader(path)
    fonts = _embedded_fonts(reader)
    assert {"CT-Serif", "CT-Serif-Bold", "CT-Serif-Italic"} <= set(fonts)
    assert all(len(copies) == 1 for copies in fonts.values()), {f: len(c) for f, c in fonts.items()}
    programs = set()
    for face, [font] in fonts.items():
        if font["/Subtype"] != "/Type0":
            continue  # the page numbers' own font (numbers.py)
        cid = font["/DescendantFonts"][0].get_object()
        program = cid["/FontDescriptor"]["/FontFile2"].get_object()
        programs.add(program.indirect_reference.idnum)
        merged = TTFont(BytesIO(program.get_data()))
        source = TTFont(str(fontmerge.bundled_faces()[merged["name"].getDebugName(6)]))
        widths, items, i = set(), list(cid["/W"]), 0
        while i < len(items):
            widths.update(range(int(items[i]), int(items[i]) + len(items[i + 1])))
            i += 2
        # Every glyph a part draws (it has a width) has its outline in the one program, unless
        # it is blank (a space) in the bundled font too.
        ours, theirs = merged["glyf"], source["glyf"]
        assert len(widths) > 5, face
        for g in widths:
            blank = theirs[source.getGlyphName(g)].numberOfContours == 0
            assert (ours[merged.getGlyphName(g)].numberOfContours == 0) == blank, (face, g)
    import pikepdf
    with pikepdf.open(path) as pdf:  # every object in the file, referenced or not
        descriptors = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                       and o.get("/Type") == "/FontDescriptor"]
    assert len(descriptors) == len(programs) + 1  # + the page numbers' font


def test_the_edition_is_smaller_than_its_parts_laid_end_to_end(app, users):
    """No part's font copies left behind (and the small objects packed in object streams)."""
    rnd, edition, path = _compile(users)
    parts = db.session.scalars(sa.select(RenderedPart).where(RenderedPart.kind.in_(
        ["front", "objective", "annex", "annex-section", "documents"])))
    total = sum(storage.path_for("parts", p.stored_name).stat().st_size for p in parts)
    assert path.stat().st_size < 0.7 * total, (path.stat().st_size, total)


def test_an_annex_rendered_per_objective_keeps_its_objectives_under_its_bookmark(compiled):
    """An annex is one part per objective section; in the edition's bookmarks every section sits
    under its annex, as if the annex had been one render."""
    edition, path = compiled
    outline = PdfReader(path).outline
    titles = [str(o.title) if not isinstance(o, list) else [str(c.title) for c in o if not isinstance(c, list)]
              for o in outline]
    annex = next(i for i, t in enumerate(titles) if isinstance(t, str) and t.startswith("Annex I — "))
    children = titles[annex + 1]
    assert isinstance(children, list)
    assert [t.split(":")[0] for t in children if t.startswith("Objective")] == [f"Objective {n}" for n in range(1, 6)]
    assert not any(isinstance(t, str) and t.startswith("Objective") for t in titles)  # none left at the top


def test_set_in_a_times_compatible_serif_with_nothing_in_print_below_9_pt(compiled):
    """Council documents are set in Times New Roman 12 pt: the edition uses Liberation Serif
    (metric-compatible), 12 pt running text, and no word smaller than 9 pt (tables included)."""
    from collections import Counter
    from io import BytesIO

    from fontTools.ttLib import TTFont

    edition, path = compiled
    reader = PdfReader(path)
    for face, [font] in _embedded_fonts(reader).items():
        if font["/Subtype"] == "/Type0":
            program = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_object()
            assert TTFont(BytesIO(program.get_data()))["name"].getDebugName(6).startswith("LiberationSerif"), face
    # pdftotext's word box is the face's ascent + descent: 1.107 em for Liberation Serif.
    sizes = Counter()
    for page in range(1, edition["pages"] + 1):
        sizes.update(round((w[4] - w[2]) / 1.107, 1) for w in _words(path, page))
    assert min(sizes) >= 9, sorted(sizes.items())[:5]
    assert sizes[12.0] > 0.2 * sum(sizes.values()), sizes.most_common(3)  # the running text (tables: 10 pt)


def test_an_objective_rendered_in_blocks_keeps_every_action_under_its_part(compiled):
    """An objective part is rendered a few actions at a time; its actions' bookmarks all sit
    under the part's bookmark, in the plan's order, and the heading is printed once."""
    from ctportal.services.editions.parts import OBJECTIVE_BLOCK

    edition, path = compiled
    reader = PdfReader(path)
    outline = reader.outline
    index = next(i for i, o in enumerate(outline) if not isinstance(o, list) and str(o.title).startswith("Part 1 "))
    actions = [str(c.title) for c in outline[index + 1] if not isinstance(c, list)]
    assert len(actions) > OBJECTIVE_BLOCK  # so part 1 was rendered in more than one block
    assert actions[:2] == ["Action 1.P1", "Action 1.P2"]
    assert sum(text.count("Part 1 — Objective 1:") for text in pdftext(path)) == 2  # heading + contents
