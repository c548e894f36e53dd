"""What a compile would hold if started now, told on the compile page before the secretariat compiles.

The same rule as the compile itself (content.load_round): a party is included with its report's
approved revision, every other party is missing. An edition is "the same" as the latest done one
when it would carry the same approved revisions and the same versions of the Commission's
approved texts, and no follow-up process was recorded or changed since it — a new compile would then print
the same content again.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ctportal.models import (CommissionText, CompiledReport, CompiledReportRevision, CompiledReportText,
                             CompileState, Party, ProcessRecord, Report, Revision, Round, TextState, db)


@dataclass
class Missing:
    party: Party
    report: Report | None   # None: the party has no report in this round


@dataclass
class CompilePreview:
    included: list[tuple[Party, Revision]]
    missing: list[Missing]
    unchanged_since: CompiledReport | None   # the latest edition, if a compile now would repeat it


def preview(rnd: Round) -> CompilePreview:
    parties = list(db.session.scalars(sa.select(Party).order_by(Party.sort_order, Party.id)))
    reports = {r.party_id: r for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    revisions = {r.id: r for r in db.session.scalars(sa.select(Revision).where(
        Revision.id.in_([r.approved_revision_id for r in reports.values() if r.approved_revision_id])))}
    included, missing = [], []
    for party in parties:
        report = reports.get(party.id)
        revision = revisions.get(report.approved_revision_id or 0) if report is not None else None
        if revision is not None:
            included.append((party, revision))
        else:
            missing.append(Missing(party, report))
    return CompilePreview(included, missing, _unchanged_since(rnd, {rev.id for _, rev in included}))


def _unchanged_since(rnd: Round, revision_ids: set[int]) -> CompiledReport | None:
    """The latest done edition, when it carries exactly these revisions and today's approved texts."""
    last = db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.round_id == rnd.id, CompiledReport.state == CompileState.done)
        .order_by(CompiledReport.id.desc()).limit(1))
    if last is None or last.superseded_at is not None:
        return None
    carried = set(db.session.scalars(sa.select(CompiledReportRevision.revision_id).where(
        CompiledReportRevision.compiled_report_id == last.id)))
    texts_then = {(t, v) for t, v in db.session.execute(
        sa.select(CompiledReportText.text_id, CompiledReportText.version)
        .where(CompiledReportText.compiled_report_id == last.id))}
    texts_now = {(t, v) for t, v in db.session.execute(sa.select(CommissionText.id, CommissionText.version).where(
        CommissionText.round_id == rnd.id, CommissionText.state == TextState.approved))}
    # A follow-up process recorded or changed since: its annex would differ (issue 15, item 5).
    touched = db.session.scalar(sa.select(sa.func.max(ProcessRecord.updated_at))
                                .where(ProcessRecord.round_id == rnd.id))
    if touched is not None and (last.finished_at is None or touched > last.finished_at):
        return None
    return last if carried == revision_ids and texts_then == texts_now else None
