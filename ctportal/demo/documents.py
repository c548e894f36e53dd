"""The demo's documents: small, valid one-page PDFs stored and recorded as a real upload would be."""
from __future__ import annotations

from ctportal.infra import storage
from ctportal.models import Document, Entry, Report, Sensitivity, User, db, utcnow
from ctportal.services import audit


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (Helvetica, ASCII text) with a correct cross-reference table."""
    def esc(text: str) -> str:
        text = text.encode("ascii", "replace").decode()
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 16 Tf", "72 760 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        ops += [f"({esc(line)}) Tj", "0 -16 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def attach_document(report: Report, entry: Entry | None, user: User, name: str, title: str,
                    lines: list[str]) -> Document:
    data = demo_pdf(title, lines)
    stored, sha, size = storage.write_atomically("documents", [data], "pdf")
    doc = Document(report_id=report.id, entry_id=entry.id if entry is not None else None, original_name=name,
                   stored_name=stored, content_type="application/pdf", size=size, sha256=sha,
                   sensitivity=Sensitivity.limite, title=title, uploaded_by_id=user.id, uploaded_at=utcnow())
    db.session.add(doc)
    db.session.flush()
    audit.record("document.uploaded", doc, actor=user, party_id=report.party_id, report_id=report.id,
                 entry_id=doc.entry_id, name=name, sha256=sha, size=size)
    return doc
