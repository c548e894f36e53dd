"""Texts the portal stores in English and shows in the reader's language (issue 17; docs/i18n.md,
"Stored texts").

Some texts are written once by the portal itself and kept as written: the workflow's system comments
("Ana Hoxha requested changes (revision 2). Reason: …"), the stages, errors and supersession reasons of
compile and PDF jobs, a webhook delivery's error. They are written by jobs or for every reader at once,
so they are stored in English — the record, the exports and the PDFs read them as they are — and each
one is made from a message of `KNOWN` below, its placeholders filled in. A screen turns such a text
back into its message and parameters (`parse`) and says it in the reader's language
(web/templating's `stored_text` filter). A text no message of the set matches (an exception's own
words, a text stored before the set knew it) is shown as stored, marked `lang="en"`.

Parameters are the people's and parties' names, numbers and a reason someone typed: they are shown
as written (a party's English name is put in the reader's language by the caller's `names`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ctportal.domain.parties import N_

# The workflow's system comments (services/review/workflow._system_comment). A reason typed by the
# reviewer follows as REASON.
SUBMITTED = N_("%(name)s submitted the report.")
SUBMITTED_REV = N_("%(name)s submitted the report (revision %(number)s).")
REQUESTED = N_("%(name)s requested changes.")
REQUESTED_REV = N_("%(name)s requested changes (revision %(number)s).")
APPROVED = N_("%(name)s approved the report.")
APPROVED_REV = N_("%(name)s approved the report (revision %(number)s).")
REOPENED = N_("%(name)s reopened the approved report.")
REOPENED_REV = N_("%(name)s reopened the approved report (revision %(number)s).")
REASON = N_("Reason: %(reason)s")

# Compile and party-PDF jobs (services/editions): their stages, errors and supersession reasons.
WAITING = N_("Waiting to start")
STARTING = N_("Starting")
FAILED = N_("Failed")
DONE = N_("Done")
DONE_PAGES = N_("Done: %(pages)s pages")
RENDERING_REPORT = N_("Rendering the report")
COLLECTING = N_("Collecting the approved reports")
RENDERING_FRONT = N_("Rendering the cover, contents and summary")
ASSEMBLING = N_("Assembling %(pages)s pages")
RENDERING_SLICES = N_("Rendering each party's part for the fact-check")
RENDERING_PARTS = N_("Rendering %(count)s parts")
RENDERED_PART = N_("Rendered %(done)s of %(count)s parts")
PDF_FAILED = N_("The PDF could not be made.")
COMPILE_FAILED = N_("The compile failed.")
NOTHING_TO_COMPILE = N_("No report of this round is approved yet: there is nothing to compile.")
REOPENED_WHILE = N_("A report it contains was reopened while it was being compiled.")
REPORT_REOPENED = N_("The report of %(party)s (revision %(number)s) was reopened: %(reason)s")

# A webhook delivery's error (services/messaging/webhooks.deliver); the address checks' own messages
# are translated messages already and are listed here too.
HOOK_DEACTIVATED = N_("The webhook is deactivated.")
HOOK_HTTPS = N_("Address: an https:// address is needed.")
HOOK_HTTP = N_("Address: an http:// or https:// address is needed.")
HOOK_USER = N_("Address: no user name or password in the address.")
HOOK_HOST = N_("Address: %(host)s is not among the hosts webhooks may go to (%(hosts)s).")

KNOWN = (SUBMITTED, SUBMITTED_REV, REQUESTED, REQUESTED_REV, APPROVED, APPROVED_REV, REOPENED, REOPENED_REV,
         WAITING, STARTING, FAILED, DONE, DONE_PAGES, RENDERING_REPORT, COLLECTING, RENDERING_FRONT, ASSEMBLING,
         RENDERING_SLICES, RENDERING_PARTS, RENDERED_PART, PDF_FAILED, COMPILE_FAILED, NOTHING_TO_COMPILE,
         REOPENED_WHILE, REPORT_REOPENED, HOOK_DEACTIVATED, HOOK_HTTPS, HOOK_HTTP, HOOK_USER, HOOK_HOST)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def fill(message: str, **params: object) -> str:
    """The stored (English) text of a message of KNOWN with its parameters."""
    return message % {k: str(v) for k, v in params.items()}


@dataclass(frozen=True)
class Parsed:
    message: str
    params: dict[str, str]
    reason: str | None = None  # a system comment's typed reason, after REASON


@cache
def _pattern(message: str) -> re.Pattern[str]:
    pieces = _PLACEHOLDER.split(message)
    out = []
    for i, piece in enumerate(pieces):
        out.append(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)")
    return re.compile("".join(out), re.S)


def _match(text: str) -> Parsed | None:
    for message in KNOWN:
        found = _pattern(message).fullmatch(text)
        if found:
            return Parsed(message, found.groupdict())
    return None


def parse(text: str | None) -> Parsed | None:
    """The message and parameters `text` was made from, or None when no message of KNOWN made it."""
    if not text:
        return None
    found = _match(text)
    if found is not None:
        return found
    marker = " " + REASON.split("%", 1)[0]  # " Reason: "
    start = text.find(marker)
    while start != -1:  # the first split whose head is a known sentence (a name may hold the marker)
        head = _match(text[:start])
        if head is not None:
            return Parsed(head.message, head.params, text[start + len(marker):])
        start = text.find(marker, start + 1)
    return None
