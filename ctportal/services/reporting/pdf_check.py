"""What a PDF may carry: text, images and links — no active content, nothing hidden behind it.

A PDF is read by reviewers on Commission machines and by the partners' officials. Scripts
(`/JavaScript`, `/JS`), actions run on opening or on events (`/OpenAction`, `/AA`), launching
programs (`/Launch`), files carried inside (embedded files, file attachments), XFA forms and
bytes appended after the end of the file (an HTML page or a ZIP archive glued to a valid PDF:
a "polyglot" that another program opens as something else) are refused, with the reason.

The check reads every object of the file with pikepdf (qpdf), not the bytes' text, so a name
spelt with `#` escapes or hidden in an object stream is found as well.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator

import pikepdf
from flask_babel import gettext

# After the last %%EOF only line ends (and the NUL padding some scanners write) are ordinary.
TRAILING_ALLOWED = b"\r\n\t \x00"
MAX_NODES = 2_000_000  # a file with more objects than this is refused rather than checked for minutes



def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marker, known to pybabel
    """Marks a string for the catalogues; it is translated when the refusal is written (_refuse)."""
    return message


def _advice() -> str:
    return str(gettext("Print or export it again to a plain PDF (for example “Save as PDF” or “Microsoft Print "
                       "to PDF”) and upload that."))


# An action's /S, a dictionary key, an object's /Subtype or /Type: what each one means to the user
# (in the uploader's language: the upload form shows the refusal).
ACTIONS = {
    "/JavaScript": N_("JavaScript"), "/Launch": N_("an action that launches a program or opens a file"),
    "/ImportData": N_("an action that imports data"), "/SubmitForm": N_("a form that sends data elsewhere"),
    "/GoToE": N_("a link into an embedded file"), "/RichMediaExecute": N_("embedded media with scripts"),
}
KEYS = {
    "/JS": N_("JavaScript"), "/JavaScript": N_("JavaScript"), "/AA": N_("actions that run by themselves (/AA)"),
    "/EmbeddedFiles": N_("an embedded file"), "/EF": N_("an embedded file"), "/XFA": N_("an XFA form"),
}
SUBTYPES = {"/FileAttachment": N_("an embedded file"), "/RichMedia": N_("embedded media"),
            "/Movie": N_("embedded media"), "/Sound": N_("embedded media"), "/Screen": N_("embedded media"),
            "/3D": N_("embedded 3D content")}
TYPES = {"/EmbeddedFile": N_("an embedded file")}
# The PDF's end-of-file marker, passed into its message: in a msgid its %% would read as a placeholder.
EOF_MARKER = "%%EOF"


class UnsafePdf(ValueError):
    """A PDF with active content or an appended payload; the message names what was found.

    Internal: `check_pdf` answers the message, and the upload service refuses the file with it."""

    @property
    def message(self) -> str:
        return str(self.args[0])


def _refuse(what: str) -> UnsafePdf:
    return UnsafePdf(gettext("This PDF contains %(what)s, which the portal does not accept.", what=gettext(what))
                     + " " + _advice())


def check_trailer(path: str) -> None:
    """Nothing after the last %%EOF but line ends, and no ZIP archive inside the file."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(size - 1024 * 1024, 0))
        tail = fh.read()
    end = tail.rfind(b"%%EOF")
    if end < 0:
        raise UnsafePdf(gettext("This PDF has no proper end (%(marker)s): it is damaged or something was added to it.",
                                marker=EOF_MARKER) + " " + _advice())
    after = tail[end + len(b"%%EOF"):]
    if after.strip(TRAILING_ALLOWED):
        raise UnsafePdf(gettext("This PDF has other data appended after its end (for example a web page or an "
                                "archive), so it could open as something else.") + " " + _advice())
    if zipfile.is_zipfile(path):  # a ZIP's directory glued in before the %%EOF still opens as an archive
        raise UnsafePdf(gettext("This PDF also contains a ZIP archive, so it could open as something else.")
                        + " " + _advice())


def _children(obj: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The direct values inside a dictionary, stream or array (indirect ones are visited on their own)."""
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        values = list(obj.values())
    elif isinstance(obj, pikepdf.Array):
        values = list(obj)
    else:
        return
    for value in values:
        if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and not value.is_indirect:
            yield value


def _problem(obj: pikepdf.Object) -> str | None:
    """What is not accepted in this one dictionary, or None."""
    d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
    if not isinstance(d, pikepdf.Dictionary):
        return None
    for key, what in KEYS.items():
        if key in d:
            return what
    for key, table in (("/S", ACTIONS), ("/Subtype", SUBTYPES), ("/Type", TYPES)):
        value = d.get(key)
        if isinstance(value, pikepdf.Name) and str(value) in table:
            return table[str(value)]
    action = d.get("/OpenAction")
    if isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) != "/GoTo":
        return "an action that runs when the file is opened (/OpenAction)"
    return None


def check_active_content(path: str) -> None:
    """Every object of the PDF is looked at; the first active content found is refused."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise UnsafePdf(gettext("This PDF is protected by a password, so the portal cannot check it. "
                                "Remove the password (or print it to a new PDF) and upload it again.")) from None
    except (pikepdf.PdfError, OSError, ValueError):
        raise UnsafePdf(gettext("This PDF is damaged and cannot be read.") + " " + _advice()) from None
    with pdf:
        stack: list[pikepdf.Object] = [pdf.trailer, *pdf.objects]
        seen = 0
        while stack:
            obj = stack.pop()
            seen += 1
            if seen > MAX_NODES:
                raise UnsafePdf(gettext("This PDF is too complex to be checked safely.") + " " + _advice())
            found = _problem(obj)
            if found:
                raise _refuse(found)
            stack.extend(_children(obj))


def check_pdf(path: str) -> str | None:
    """Why the PDF at `path` is refused (active content, appended data, damage), or None."""
    try:
        check_trailer(path)
        check_active_content(path)
    except UnsafePdf as exc:
        return exc.message
    return None
