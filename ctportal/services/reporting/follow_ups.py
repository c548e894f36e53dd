"""Recommendations followed up (issue 15, item 2): each recommendation the Commission addressed to a
party in the previous round becomes, in that party's report of this round, an item the party
answers (implemented / partly / not implemented / no longer relevant, with a narrative), frozen
into the revision with the entries and reviewed with them.

Only published recommendations are followed up: those of the previous round's approved assessment
of the party that a final edition carries (policy.is_published_text), so the party is never asked
about a text it may not read. Items are made when a report is created and, for reports already
open, when the previous round becomes final (its round closed, or its edition done after the close):
`add_missing` is idempotent, and a report under review or approved is left as it is.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from ctportal import policy
from ctportal.domain.errors import DomainError
from ctportal.models import (CommissionText, FollowUp, FollowUpStatus, PartyKind, Report, Round, RoundState, TextKind,
                             TextState, User, db, utcnow)
from ctportal.services import audit
from ctportal.services.reporting import entries, previous

NARRATIVE_LIMIT = 10_000


class FollowUpError(DomainError):
    """A follow-up answer that may not be saved as sent; the message names the field."""


class FollowUpConflict(FollowUpError):
    status = 409


def published_assessment(report: Report) -> tuple[Round, CommissionText] | None:
    """The previous round's assessment of the report's party, if a final edition published it."""
    if report.party.kind != PartyKind.wb_partner:
        return None
    before = previous.previous_round(report.round)
    if before is None:
        return None
    text = db.session.scalar(sa.select(CommissionText).where(
        CommissionText.round_id == before.id, CommissionText.kind == TextKind.party,
        CommissionText.party_id == report.party_id, CommissionText.state == TextState.approved))
    if text is None or not text.recommendations or not policy.is_published_text(before, text):
        return None
    return before, text


def of_report(report: Report) -> list[FollowUp]:
    return list(db.session.scalars(sa.select(FollowUp).where(FollowUp.report_id == report.id)
                                   .order_by(FollowUp.text_id, FollowUp.number)))


def add_missing(report: Report) -> int:
    """Make the report's follow-up items it lacks; returns how many were made."""
    if report.state not in policy.EDITABLE_STATES:
        return 0
    published = published_assessment(report)
    if published is None:
        return 0
    _, text = published
    have = {(f.text_id, f.number) for f in of_report(report)}
    made = 0
    for rec in text.recommendations:
        if (text.id, rec.number) in have:
            continue
        db.session.add(FollowUp(report_id=report.id, text_id=text.id, number=rec.number, recommendation=rec.body,
                                action_codes=list(rec.action_codes), narrative=""))
        made += 1
    if made:
        db.session.flush()
        audit.record("follow_up.added", report, actor=None, round=report.round_id, text=text.id, items=made)
    return made


def add_after_final(rnd: Round) -> int:
    """`rnd` may just have become final: the open reports of the round after it get their items."""
    if rnd.state != RoundState.closed:
        return 0
    made = 0
    later = db.session.scalars(sa.select(Round).where(Round.id != rnd.id, Round.state == RoundState.open))
    for nxt in later:
        before = previous.previous_round(nxt)
        if before is None or before.id != rnd.id:
            continue
        for report in db.session.scalars(sa.select(Report).where(Report.round_id == nxt.id)):
            made += add_missing(report)
    return made


def unanswered_field(item: FollowUp) -> str | None:
    """"status" or "narrative" while the item lacks it, else None (the submit check asks this)."""
    if item.status is None:
        return "status"
    if not (item.narrative or "").strip():
        return "narrative"
    return None


def parse_status(value: str | None) -> FollowUpStatus | None:
    if not value:
        return None
    try:
        return FollowUpStatus(value)
    except ValueError:
        raise FollowUpError(gettext("Choose one of the statuses listed."), field="status") from None


def save(item: FollowUp, user: User, *, status: str | None, narrative: str, expected_version: int | None) -> FollowUp:
    """Write the party's answer; a save made from an older page is refused (the text is kept by the view)."""
    if expected_version is not None and expected_version != item.version:
        raise FollowUpConflict(gettext("Someone saved this answer after you opened it: reload the page and "
                                       "check their changes."), field="narrative")
    chosen = parse_status(status)
    narrative = (narrative or "").replace("\r\n", "\n").strip()
    if len(narrative) > NARRATIVE_LIMIT:
        limit, length = f"{NARRATIVE_LIMIT:,}", f"{len(narrative):,}"
        raise FollowUpError(gettext("Narrative: at most %(limit)s characters are accepted; this text has %(n)s.",
                                    limit=limit, n=length), field="narrative")
    bad = entries.check_characters(narrative) or entries.check_markdown(narrative)
    if bad:
        raise FollowUpError(gettext("Narrative: %(problem)s", problem=bad), field="narrative")
    item.status, item.narrative = chosen, narrative
    item.updated_at, item.updated_by_id = utcnow(), user.id
    db.session.flush()
    audit.record("follow_up.saved", item.report, actor=user, follow_up=item.id, number=item.number,
                 status=chosen.value if chosen else None)
    return item


def snapshot(report: Report) -> list[dict[str, Any]]:
    """The items as the revision freezes them (services/reporting/revisions.py)."""
    out = []
    for item in of_report(report):
        source = item.text.round   # the identity map loads each round once
        out.append({"id": item.id, "number": item.number, "recommendation": item.recommendation,
                    "action_codes": list(item.action_codes), "round_id": source.id, "round_title": source.title,
                    "status": item.status.value if item.status else None, "narrative": item.narrative})
    return out


def status_title(value: str | None) -> str:
    return FollowUpStatus(value).title if value else ""
