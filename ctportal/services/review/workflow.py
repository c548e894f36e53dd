"""The review round: one table of allowed transitions and the one function that applies them.

    draft ──submit──▶ submitted ──request_changes──▶ changes_requested ──submit──▶ submitted
                          └──approve──▶ approved ──reopen (reason)──▶ changes_requested

Nothing else changes a report's state. `apply_transition` locks the report, checks the table,
the page's state version, the policy and the rules (reasons; completeness on submit; on approval:
not by whoever submitted, and no entry still marked "needs revision"; for the steps the table marks
`confirmed` — approve, submit — the token of the summary the confirmation page stated, which must
still match the report: services/review/confirmation.py), then writes the revision
(carrying unchanged entries' reviews forward), the event, the system comment and the audit event,
tells the compile hooks, and queues the notifications (docs/review.md).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, ngettext

from ctportal.domain.errors import DomainError
from ctportal import policy
from ctportal.models import Comment, Report, ReportEvent, ReportState, Visibility, db, utcnow
from ctportal.policy import Permission
from ctportal.services.review import confirmation
from ctportal.domain import stored_text as st


class Step(enum.Enum):
    """The steps a report can take through the review round (the table's rows name one each)."""

    submit = "submit"
    request_changes = "request_changes"
    approve = "approve"
    reopen = "reopen"

    @property
    def title(self) -> str:
        return {"submit": "Submit", "request_changes": "Request changes", "approve": "Approve",
                "reopen": "Reopen"}[self.value]


@dataclass(frozen=True)
class Transition:
    action: Step
    source: ReportState
    target: ReportState
    permission: Permission
    reason_required: bool = False
    freezes_revision: bool = False
    # Taken only from a confirmation page that stated what the step does (confirmation.py): the
    # caller passes the token of that summary, and a stale or missing one is refused.
    confirmed: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Step.submit, ReportState.draft, ReportState.submitted, Permission.SUBMIT,
               freezes_revision=True, confirmed=True),
    Transition(Step.submit, ReportState.changes_requested, ReportState.submitted, Permission.SUBMIT,
               freezes_revision=True, confirmed=True),
    Transition(Step.request_changes, ReportState.submitted, ReportState.changes_requested,
               Permission.REVIEW, reason_required=True),
    Transition(Step.approve, ReportState.submitted, ReportState.approved, Permission.APPROVE, confirmed=True),
    Transition(Step.reopen, ReportState.approved, ReportState.changes_requested, Permission.REOPEN,
               reason_required=True),
)


class TransitionError(DomainError):
    """A transition that may not happen now; the message says why, in the user's words."""


class IncompleteReport(TransitionError):
    """Submission refused: `missing` lists what still needs filling in."""

    status = 422

    def __init__(self, missing: list[Any]) -> None:
        super().__init__(gettext("The report is not complete: %(num)d item(s) still need an answer.",
                                 num=len(missing)))
        self.missing = missing


def find_transition(state: ReportState, action: Step) -> Transition | None:
    for t in TRANSITIONS:
        if t.source == state and t.action == action:
            return t
    return None


def allowed_actions(user: Any, report: Report) -> list[Step]:
    """The actions this user may take on this report now (for buttons)."""
    perms = policy.report_permissions(user, report)
    return [t.action for t in TRANSITIONS if t.source == report.state and t.permission in perms]


def confirmation_token(report: Report, action: Step, user: Any) -> str:
    """The token of what the confirmation page of `action` states now (for the page's form)."""
    if action == Step.approve:
        summary = confirmation.approval_summary(report, user)
        return summary.token if summary is not None else ""
    if action == Step.submit:
        return confirmation.submission_summary(report).token
    return ""  # the other steps state their consequence on their own page and take a reason


def apply_transition(report: Report, action: Step, user: Any, *, reason: str = "",
                     expected_state_version: int | None = None, confirmed: str | None = None,
                     note: str = "") -> ReportEvent:
    """Move the report through one transition of the table, with every record it needs.

    `confirmed`: the token of the confirmation page's summary, for the steps the table marks
    `confirmed`. `note`: on a submission, the party's optional note to the Commission."""
    from ctportal.services import audit
    from ctportal.services.messaging import notify
    from ctportal.services.reporting import revisions
    from ctportal.services.reporting.completeness import missing_items

    _lock(report)
    transition = find_transition(report.state, action)
    if transition is None:
        raise TransitionError(_cannot(action, report.state.title.lower()))
    if expected_state_version is not None and expected_state_version != report.state_version:
        raise TransitionError(gettext("The report changed since you opened this page. Reload it and try again."))
    if transition.permission not in policy.report_permissions(user, report):
        if action == Step.approve and policy.is_party_user(user):
            raise TransitionError(gettext("Nobody approves a report of their own party."))
        raise TransitionError(_may_not(action))
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise TransitionError(gettext("Give a reason to request changes.") if action == Step.request_changes
                              else gettext("Give a reason to reopen."))
    if action == Step.approve:
        latest = revisions.latest_revision(report)
        if latest is not None and latest.submitted_by_id == user.id:
            raise TransitionError(gettext("Nobody approves a report they submitted themselves."))
        from ctportal.services.review.reviews import needing_revision
        pending = needing_revision(report)
        if pending:
            raise TransitionError(ngettext(
                "%(num)d entry is marked as needing revision (%(keys)s): request changes, or accept it first.",
                "%(num)d entries are marked as needing revision (%(keys)s): request changes, or accept them first.",
                len(pending), keys=", ".join(r.entry_key for r in pending)))

    revision = None
    if transition.freezes_revision:
        missing = missing_items(report)
        if missing:
            raise IncompleteReport(missing)
    if transition.confirmed and confirmed != confirmation_token(report, action, user):
        raise TransitionError(
            _through_confirmation(action) if not confirmed else
            gettext("The report changed since the confirmation page was opened. Read the new summary and "
                    "confirm again."))
    if transition.freezes_revision:
        revision = revisions.freeze(report, user, note=note)
        if revision.number > 1:
            from ctportal.services.review.reviews import carry_forward
            carry_forward(report, revision, user)
    else:
        revision = revisions.latest_revision(report)

    source = report.state
    now = utcnow()
    report.state = transition.target
    report.state_version += 1
    report.updated_at = now
    if action == Step.submit:
        report.submitted_at = now
    elif action == Step.approve:
        report.approved_revision_id = revision.id if revision else None
        report.approved_by_id = user.id
        report.approved_at = now
    elif action == Step.reopen:
        report.approved_revision_id = None
        report.approved_by_id = None
        report.approved_at = None

    event = ReportEvent(report_id=report.id, action=action.value, from_state=source,
                        to_state=transition.target, actor_id=user.id, reason=reason,
                        revision_id=revision.id if revision else None, created_at=now)
    db.session.add(event)
    db.session.add(Comment(report_id=report.id, revision_id=event.revision_id, author_id=user.id,
                           visibility=Visibility.shared, is_system=True,
                           body=_system_comment(action, user, revision, reason), created_at=now))
    db.session.flush()
    audit.record(f"report.{action.value}", report, actor=user, from_state=source.value,
                 to_state=transition.target.value, reason=reason or None,
                 revision=revision.number if revision else None)
    if action == Step.reopen and revision is not None:
        from ctportal.services.editions import hooks as compile_hooks
        compile_hooks.revision_reopened(revision, reason, user)
    if action == Step.approve and revision is not None:
        from ctportal.services.editions import hooks as compile_hooks
        compile_hooks.revision_approved(revision)
        from ctportal.services.messaging import webhooks
        webhooks.report_approved(report, revision)
    notify.report_transitioned(report, event)
    return event


def _lock(report: Report) -> None:
    """Serialise transitions of one report: two reviewers acting at once cannot both succeed.

    On PostgreSQL the row is locked for the transaction and re-read; SQLite takes the database
    write lock when the transaction begins (SQLITE_BEGIN), which serialises just the same.
    """
    if report.id is None or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(sa.select(Report.id).where(Report.id == report.id).with_for_update())
    db.session.refresh(report, ["state", "state_version"])


# The refusals in the user's language (the API and jobs run in English): one whole sentence per step,
# never a verb put into an English frame.
def _cannot(action: Step, state: str) -> str:
    return str({
        Step.submit: gettext("A report that is %(state)s cannot be submitted.", state=state),
        Step.request_changes: gettext("A report that is %(state)s cannot be sent back for changes.", state=state),
        Step.approve: gettext("A report that is %(state)s cannot be approved.", state=state),
        Step.reopen: gettext("A report that is %(state)s cannot be reopened.", state=state),
    }[action])


def _may_not(action: Step) -> str:
    return str({
        Step.submit: gettext("Your account may not submit this report."),
        Step.request_changes: gettext("Your account may not request changes on this report."),
        Step.approve: gettext("Your account may not approve this report."),
        Step.reopen: gettext("Your account may not reopen this report."),
    }[action])


def _through_confirmation(action: Step) -> str:
    return str({
        Step.submit: gettext("Submit through its confirmation page, which states what is submitted."),
        Step.request_changes: gettext("Request changes through its confirmation page, which states what is "
                                      "sent back for changes."),
        Step.approve: gettext("Approve through its confirmation page, which states what is approved."),
        Step.reopen: gettext("Reopen through its confirmation page, which states what is reopened."),
    }[action])


def _system_comment(action: Step, user: Any, revision: Any, reason: str) -> str:
    """Stored in English, made from a message of domain/stored_text.py: each screen says it in its
    reader's language (the `stored_text` filter)."""
    plain, numbered = {
        Step.submit: (st.SUBMITTED, st.SUBMITTED_REV),
        Step.request_changes: (st.REQUESTED, st.REQUESTED_REV),
        Step.approve: (st.APPROVED, st.APPROVED_REV),
        Step.reopen: (st.REOPENED, st.REOPENED_REV),
    }[action]
    text = (st.fill(numbered, name=user.name, number=revision.number) if revision is not None
            else st.fill(plain, name=user.name))
    return f"{text} {st.fill(st.REASON, reason=reason)}" if reason else text
