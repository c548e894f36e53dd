"""The audit trail read as sentences: "Ana Reviewer approved the report of Albania for Progress report 2026".

The page prints the moment before each sentence; the recorded detail stays under it and, whole,
in the CSV export (services/desk/audit_search.py). A sentence is made only of what the reader may
see of the event — names looked up from its ids and the detail as `shown_detail` leaves it — so
the administrator's sentences carry no report content either (an entry's key withheld → "an
action"). Names are loaded for the whole page in a fixed number of queries.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext, lazy_gettext

from ctportal.domain.parties import local_name
from ctportal.models import AuditEvent, Comment, CompiledReport, Document, Entry, Party, Report, Round, User, db
from ctportal.services.desk.audit_search import WITHHELD

# On a report: who did what to the report of which party, in which round.
_ON_REPORT = {
    "report.submit": lazy_gettext("%(who)s submitted the report of %(party)s for %(round)s"),
    "report.request_changes": lazy_gettext("%(who)s asked for changes to the report of %(party)s for %(round)s"),
    "report.approve": lazy_gettext("%(who)s approved the report of %(party)s for %(round)s"),
    "report.reopen": lazy_gettext("%(who)s reopened the report of %(party)s for %(round)s"),
    "report.reviewer_assigned": lazy_gettext("%(who)s assigned the reviewer of the report of %(party)s for %(round)s"),
    "report.reminder_sent": lazy_gettext("%(who)s sent a reminder about the report of %(party)s for %(round)s"),
    "report.copied_from_previous": lazy_gettext(
        "%(who)s started the report of %(party)s for %(round)s from the previous round"),
    "report.pdf_download": lazy_gettext("%(who)s downloaded the PDF of the report of %(party)s for %(round)s"),
    "entry.accepted_all": lazy_gettext(
        "%(who)s accepted the remaining entries of the report of %(party)s for %(round)s"),
    "comment.posted": lazy_gettext("%(who)s commented on the report of %(party)s for %(round)s"),
    "document.uploaded": lazy_gettext("%(who)s uploaded a document to the report of %(party)s for %(round)s"),
    "document.replaced": lazy_gettext("%(who)s replaced a document of the report of %(party)s for %(round)s"),
    "document.deleted": lazy_gettext("%(who)s deleted a document of the report of %(party)s for %(round)s"),
    "document.downloaded": lazy_gettext("%(who)s downloaded a document of the report of %(party)s for %(round)s"),
    # The offline round trip (issue 18, item 3): ids only, never the institution's name nor the file's.
    "offline.form_downloaded": lazy_gettext(
        "%(who)s downloaded the form of an institution of %(party)s for %(round)s"),
    "offline.form_applied": lazy_gettext(
        "%(who)s applied an institution's filled-in form to the report of %(party)s for %(round)s"),
    "document.kept_for_partner": lazy_gettext(
        "%(who)s kept an institution's filled-in form with the report of %(party)s for %(round)s"),
}
# On one action of a report, with its key when the reader may see it, else "an action".
_ON_ENTRY = {
    "entry.saved": (lazy_gettext("%(who)s saved action %(key)s of the report of %(party)s for %(round)s"),
                    lazy_gettext("%(who)s saved an action of the report of %(party)s for %(round)s")),
    "entry.reviewed": (lazy_gettext("%(who)s reviewed action %(key)s of the report of %(party)s for %(round)s"),
                       lazy_gettext("%(who)s reviewed an action of the report of %(party)s for %(round)s")),
    # The work inside the partner (issue 18): the step, never the note's words or the assignee.
    "entry.assigned": (lazy_gettext("%(who)s assigned action %(key)s of the report of %(party)s for %(round)s"),
                       lazy_gettext("%(who)s assigned an action of the report of %(party)s for %(round)s")),
    "entry.ready": (lazy_gettext("%(who)s marked action %(key)s of the report of %(party)s for %(round)s as ready"),
                    lazy_gettext("%(who)s marked an action of the report of %(party)s for %(round)s as ready")),
    "entry.accept": (lazy_gettext("%(who)s accepted action %(key)s of the report of %(party)s for %(round)s"),
                     lazy_gettext("%(who)s accepted an action of the report of %(party)s for %(round)s")),
    "entry.send_back": (
        lazy_gettext("%(who)s sent action %(key)s of the report of %(party)s for %(round)s back for more work"),
        lazy_gettext("%(who)s sent an action of the report of %(party)s for %(round)s back for more work")),
}
# On a round.
_ON_ROUND = {
    "round.created": lazy_gettext("%(who)s created the round %(round)s"),
    "round.opened": lazy_gettext("%(who)s opened the round %(round)s"),
    "round.updated": lazy_gettext("%(who)s changed the round %(round)s"),
    "round.closed": lazy_gettext("%(who)s closed the round %(round)s"),
    "indicator.added": lazy_gettext("%(who)s added an indicator to an action for the round %(round)s"),
    "compile.requested": lazy_gettext("%(who)s asked for a consolidated report of %(round)s"),
    "compile.done": lazy_gettext("The consolidated report of %(round)s was compiled"),
    "compile.failed": lazy_gettext("The consolidated report of %(round)s could not be compiled"),
    "edition.sealed": lazy_gettext("The consolidated report of %(round)s was sealed"),
    "edition.verified": lazy_gettext("Someone checked a copy of the consolidated report of %(round)s"),
    "editions.download": lazy_gettext("%(who)s downloaded the consolidated report of %(round)s"),
    "export.downloaded": lazy_gettext("%(who)s exported the reports of %(round)s"),
    "factcheck.opened": lazy_gettext("%(who)s opened the fact-check of a draft edition of %(round)s"),
    "factcheck.download": lazy_gettext("%(who)s downloaded their part of a draft edition of %(round)s"),
    "judgement.saved": lazy_gettext("%(who)s saved a text of the Commission for %(round)s"),
    "judgement.approved": lazy_gettext("%(who)s approved a text of the Commission for %(round)s"),
    "process.recorded": lazy_gettext("%(who)s recorded a follow-up process of %(round)s"),
    "process.changed": lazy_gettext("%(who)s changed the record of a follow-up process of %(round)s"),
    "process.report_downloaded": lazy_gettext("%(who)s downloaded the report of a follow-up process of %(round)s"),
}
# On one party in a round.
_ON_PARTY_ROUND = {
    "consent.given": lazy_gettext("%(who)s gave the consent of %(party)s to share %(round)s with observers"),
    "consent.withdrawn": lazy_gettext("%(who)s withdrew the consent of %(party)s to share %(round)s with observers"),
}
# On one party.
_ON_PARTY = {
    "institution.added": lazy_gettext("%(who)s added an institution to the list of %(party)s"),
    "institution.changed": lazy_gettext("%(who)s changed an institution of the list of %(party)s"),
}
_EXTENDED = lazy_gettext("%(who)s extended the deadline of %(party)s in %(round)s")
# Of a person only.
_ALONE = {
    "login.succeeded": lazy_gettext("%(who)s signed in"),
    "logout": lazy_gettext("%(who)s signed out"),
    "audit.exported": lazy_gettext("%(who)s exported the audit trail"),
    "factcheck.correction": lazy_gettext("%(who)s sent a correction to a draft edition"),
    "factcheck.resolved": lazy_gettext("%(who)s answered a correction to a draft edition"),
}
_ON_REPORT_MORE = {
    "follow_up.saved": lazy_gettext("%(who)s answered a recommendation in the report of %(party)s for %(round)s"),
    "follow_up.added": lazy_gettext(
        "%(who)s added the follow-up of the previous round's recommendations to the report of %(party)s for "
        "%(round)s"),
}
# On an account: who did what to whose account.
_ON_ACCOUNT = {
    "account.created": lazy_gettext("%(who)s created the account of %(name)s"),
    "account.invited": lazy_gettext("%(who)s invited %(name)s"),
    "account.role_changed": lazy_gettext("%(who)s changed the role of %(name)s"),
    "account.deactivated": lazy_gettext("%(who)s deactivated the account of %(name)s"),
    "account.reactivated": lazy_gettext("%(who)s reactivated the account of %(name)s"),
    "account.password_set": lazy_gettext("%(who)s set the password of %(name)s"),
    "account.totp_enabled": lazy_gettext("%(who)s set up the authenticator app of %(name)s"),
    "observer.parties_set": lazy_gettext("%(who)s set the parties the observer %(name)s reads"),
}
_OTHER = lazy_gettext("%(who)s: %(action)s")


def sentences(events: Iterable[AuditEvent], details: dict[int, dict[str, Any]]) -> dict[int, str]:
    """Each event's sentence by its id; `details` is what the reader may see of each event's detail."""
    events = list(events)
    names = _Names(events, details)
    return {e.id: _sentence(e, details.get(e.id) or {}, names) for e in events}


def _sentence(event: AuditEvent, detail: dict[str, Any], names: _Names) -> str:
    who = names.who(event)
    action = event.action
    report = names.report_of(event, detail)
    if report is not None and action in _ON_REPORT_MORE:
        return str(_ON_REPORT_MORE[action]) % dict(who=who, party=local_name(report.party), round=report.round.title)
    if report is not None and action in _ON_REPORT:
        return str(_ON_REPORT[action]) % dict(who=who, party=local_name(report.party), round=report.round.title)
    if report is not None and action in _ON_ENTRY:
        key = names.entry_key(event, detail)
        with_key, without = _ON_ENTRY[action]
        return (str(with_key) if key else str(without)) % dict(
            who=who, key=key, party=local_name(report.party), round=report.round.title)
    rnd = names.round_of(event, detail)
    if rnd is not None and action == "round.deadline_extended" and event.party_id in names.parties:
        return str(_EXTENDED) % dict(who=who, party=local_name(names.parties[event.party_id]), round=rnd.title)
    if rnd is not None and action in _ON_PARTY_ROUND and event.party_id in names.parties:
        return str(_ON_PARTY_ROUND[action]) % dict(who=who, party=local_name(names.parties[event.party_id]),
                                                    round=rnd.title)
    if action in _ON_PARTY and event.party_id in names.parties:
        return str(_ON_PARTY[action]) % dict(who=who, party=local_name(names.parties[event.party_id]))
    if rnd is not None and action in _ON_ROUND:
        return str(_ON_ROUND[action]) % dict(who=who, round=rnd.title)
    account = names.users.get(event.object_id or 0) if event.object_type == "user" else None
    if account is not None and action in _ON_ACCOUNT:
        return str(_ON_ACCOUNT[action]) % dict(who=who, name=account.name)
    if action in _ALONE:
        return str(_ALONE[action]) % dict(who=who)
    return str(_OTHER) % dict(who=who, action=action)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _round_id(detail: dict[str, Any]) -> int | None:
    """The round an event's detail names: `round_id`, or `round` (the Commission's texts, consent)."""
    return _int(detail.get("round_id")) or _int(detail.get("round"))


class _Names:
    """The people, reports, rounds and entries the events name, each kind in one query."""

    def __init__(self, events: list[AuditEvent], details: dict[int, dict[str, Any]]) -> None:
        def ids(values: Iterable[int | None]) -> set[int]:
            return {i for i in values if i is not None}

        def of_type(name: str) -> set[int]:
            return ids(e.object_id for e in events if e.object_type == name)

        # An entry, document or comment names its report, an edition its round, through their rows.
        self.report_of_object: dict[tuple[str, int], int] = {}
        for name, model in (("entry", Entry), ("document", Document), ("comment", Comment)):
            self.report_of_object |= {(name, k): v.report_id for k, v in _by_id(model, of_type(name)).items()}
        self.round_of_edition = {k: v.round_id for k, v in _by_id(CompiledReport, of_type("compiledreport")).items()}
        report_ids = of_type("report") | set(self.report_of_object.values()) | ids(
            _int((details.get(e.id) or {}).get("report_id")) for e in events)
        round_ids = of_type("round") | set(self.round_of_edition.values()) | ids(
            _round_id(details.get(e.id) or {}) for e in events)
        self.users = _by_id(User, ids(e.actor_id for e in events) | of_type("user"))
        self.reports = _by_id(Report, report_ids, so.joinedload(Report.round), so.joinedload(Report.party))
        self.rounds = _by_id(Round, round_ids)
        self.parties = {p.id: p for p in db.session.scalars(sa.select(Party))}

    def who(self, event: AuditEvent) -> str:
        user = self.users.get(event.actor_id) if event.actor_id else None
        if user is not None:
            return user.name
        return event.actor_email or gettext("The portal")

    def report_of(self, event: AuditEvent, detail: dict[str, Any]) -> Report | None:
        if event.object_type == "report":
            report_id = event.object_id
        else:
            report_id = (self.report_of_object.get((event.object_type, event.object_id or 0))
                         or _int(detail.get("report_id")))
        return self.reports.get(report_id) if report_id else None

    def entry_key(self, event: AuditEvent, detail: dict[str, Any]) -> str:
        """The action's key as the reader may see it (the administrator's detail withholds it)."""
        key = detail.get("key") or detail.get("entry")
        return key if isinstance(key, str) and key != WITHHELD else ""

    def round_of(self, event: AuditEvent, detail: dict[str, Any]) -> Round | None:
        if event.object_type == "round":
            round_id = event.object_id
        elif event.object_type == "compiledreport":
            round_id = self.round_of_edition.get(event.object_id or 0)
        else:
            round_id = _round_id(detail)
        return self.rounds.get(round_id) if round_id else None


def _by_id(model: Any, ids: set[int], *options: Any) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options))}
