"""The progress map: parties × actions of a round, each cell the status a user may see.

Which data a user sees (DESIGN.md, "Who may see what"):
* a party user: the own party's report only, as it stands (the draft included);
* the Commission (reviewers, secretariat): every party's approved revision; where there is none
  yet, the latest submitted revision, marked "not yet approved"; a draft never submitted only
  as a count of answered entries — no statuses.
The same selection feeds the exports (services/exports.py), so screen and file never differ.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale, gettext
from sqlalchemy import orm as so

from ctportal import policy
from ctportal.domain import actors
from ctportal.models.base import N_
from ctportal.models import (Action, Entry, EntryStatus, FollowUpStatus, Objective, Party, Report, ReportState,
                             Revision, Round, RoundState, db)
from ctportal.domain import indicators
from ctportal.domain.parties import FootnoteTracker
from ctportal.services.reporting import figures as figure_service
from ctportal.services.reporting import revisions
from ctportal.services.reporting.outlines import outlines
from ctportal.services.reporting.previous import chronological, previous_round
from ctportal.services.reporting.progress import progress_counts

# Where a party's data on the map comes from.
APPROVED = "approved"
SUBMITTED = "submitted"      # the latest submitted revision, not yet approved
DRAFT = "draft"              # the party's own editable draft (party users only)
COUNT_ONLY = "count_only"    # a draft never submitted: the Commission sees only how far it is

# Marked for the catalogues, translated when shown (the exports run in English: views/exports.py).
SOURCE_TITLES = {
    APPROVED: N_("Approved"),
    SUBMITTED: N_("Submitted, not yet approved"),
    DRAFT: N_("Draft (not submitted)"),
    COUNT_ONLY: N_("Not yet submitted"),
}

# Achieved / in progress / not started, as the plan's "map timely progress" asks.
SHARE_OF = {
    EntryStatus.achieved: "achieved",
    EntryStatus.partially_achieved: "in_progress",
    EntryStatus.in_progress: "in_progress",
    EntryStatus.planned: "in_progress",
    EntryStatus.not_started: "not_started",
}
# The order in which a status counts as further along (for "moved since the previous round").
RANK = {EntryStatus.not_started: 0, EntryStatus.planned: 1, EntryStatus.in_progress: 2,
        EntryStatus.partially_achieved: 3, EntryStatus.achieved: 4}


@dataclass
class PartyData:
    """One party's report in a round, as this user may see it."""

    report: Report
    party: Party
    source: str
    revision: Revision | None = None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)   # entry key -> snapshot dict
    answered: int = 0
    total: int = 0
    entry_ids: dict[str, int] = field(default_factory=dict)            # entry key -> id of the report's entry

    @property
    def source_title(self) -> str:
        return str(gettext(SOURCE_TITLES[self.source]))

    @property
    def has_statuses(self) -> bool:
        return self.source != COUNT_ONLY


def visible_rounds(user: Any) -> list[Round]:
    """Rounds the user may see on the map, newest first (never one still in preparation)."""
    rounds = db.session.scalars(sa.select(Round).where(Round.state != RoundState.draft)
                                .order_by(Round.opened_at.desc().nulls_last(), Round.id.desc()))
    return [r for r in rounds if policy.Permission.VIEW in policy.round_permissions(user, r)]


def round_data(rnd: Round, user: Any, *, outlines_only: bool = False) -> list[PartyData]:
    """Every report of the round the user may see, with the entries the user may see in it.

    `outlines_only` (the map): of a revision's entries only what services/reporting/outlines.py
    keeps (statuses, kinds, actions), without loading the snapshots; the exports take them whole.
    """
    approved = so.selectinload(Report.approved_revision)
    loaded = (so.selectinload(Report.party), approved.defer(Revision.snapshot) if outlines_only else approved)
    if policy.is_party_user(user):
        reports = db.session.scalars(sa.select(Report).where(
            Report.round_id == rnd.id, Report.party_id == user.party_id).options(*loaded)).all()
    elif policy.is_commission(user):
        reports = db.session.scalars(sa.select(Report).join(Party).where(Report.round_id == rnd.id)
                                     .order_by(Party.sort_order).options(*loaded)).all()
    else:
        return []
    ids = [r.id for r in reports]
    counts = progress_counts(ids)
    latest = revisions.latest_revisions([r.id for r in reports if r.approved_revision is None],
                                        snapshots=not outlines_only)
    entries_of = _outlined(reports, latest) if outlines_only else revisions.entries_by_key
    for report in reports:
        if report.approved_revision is None and report.id not in latest:
            # Known to have no revision: said so, the access check does not load the list per report.
            so.attributes.set_committed_value(report, "revisions", [])
    entry_ids: dict[int, dict[str, int]] = {}
    for report_id, key, entry_id in db.session.execute(
            sa.select(Entry.report_id, Entry.key, Entry.id).where(Entry.report_id.in_(ids))):
        entry_ids.setdefault(report_id, {})[key] = entry_id
    result = []
    for report in reports:
        answered, total = counts.get(report.id, (0, 0))
        if policy.is_party_user(user):
            data = PartyData(report, report.party, DRAFT if report.state in policy.EDITABLE_STATES else SUBMITTED)
            if report.state == ReportState.approved and report.approved_revision is not None:
                data.source, data.revision = APPROVED, report.approved_revision
                data.entries = entries_of(report.approved_revision)
            elif report.state == ReportState.submitted:
                data.revision = latest.get(report.id)
                data.entries = entries_of(data.revision)
            elif outlines_only:
                data.entries = {e.key: revisions.entry_snapshot(e, []) for e in report.entries}
            else:
                # The exports: the draft's figures too, loaded with the entries in one more query.
                by_action = figure_service.indicators_for(rnd)
                drafted = db.session.scalars(sa.select(Entry).where(Entry.report_id == report.id)
                                             .options(so.selectinload(Entry.figures)).order_by(Entry.position))
                data.entries = {e.key: revisions.entry_snapshot(e, [], figure_service.of_entry(e, by_action))
                                for e in drafted}
        elif report.approved_revision is not None:
            data = PartyData(report, report.party, APPROVED, report.approved_revision,
                             entries_of(report.approved_revision))
        elif report.id not in latest:
            data = PartyData(report, report.party, COUNT_ONLY)
        else:
            data = PartyData(report, report.party, SUBMITTED, latest[report.id], entries_of(latest[report.id]))
        data.answered, data.total = answered, total
        data.entry_ids = entry_ids.get(report.id, {})
        result.append(data)
    return result


def _outlined(reports: Sequence[Report], latest: dict[int, Revision]) -> Callable[[Revision | None], dict[str, Any]]:
    """entries_by_key for the map: each revision's outline, all of them read at once."""
    shown = [r.approved_revision for r in reports if r.approved_revision is not None] + list(latest.values())
    by_id = outlines(shown)
    return lambda revision: by_id.get(revision.id, {}) if revision is not None else {}


@dataclass
class Cell:
    party_data: PartyData
    applies: bool                      # does this party report on this action at all?
    status: EntryStatus | None = None
    entry_key: str = ""
    priority: list[dict[str, Any]] = field(default_factory=list)   # priority entries on this action

    @property
    def css(self) -> str:
        if not self.applies:
            return "status-na-party"
        return f"status-{self.status.value}" if self.status else "status-none"

    @property
    def symbol(self) -> str:
        if not self.applies:
            return ""
        if not self.party_data.has_statuses:
            return "·"
        return self.status.symbol if self.status else "?"

    @property
    def label(self) -> str:
        """What a screen reader says for the cell (the same for every cell of a kind: worked out once
        per language and kind, not once a cell)."""
        if not self.applies:
            kind: tuple[Any, ...] = (False,)
        elif not self.party_data.has_statuses:
            kind = (True, False)
        else:
            kind = (True, True, self.status, self.party_data.source == SUBMITTED, bool(self.priority))
        return _cell_label(str(get_locale()), kind)


@functools.lru_cache(maxsize=256)
def _cell_label(language: str, kind: tuple[Any, ...]) -> str:
    """A kind of cell's label in `language` (the request's: gettext reads it; the key keeps languages apart)."""
    if not kind[0]:
        return str(gettext("does not report on this action"))
    if not kind[1]:
        return str(gettext("not yet submitted"))
    _, _, status, submitted, priority = kind
    text = status.title if status else gettext("no status given")
    if submitted:
        text = gettext("%(status)s (not yet approved)", status=text)
    if priority:
        text = gettext("%(status)s, priority action", status=text)
    return str(text)


@dataclass
class ObjectiveShare:
    objective: int
    achieved: int = 0
    in_progress: int = 0
    not_started: int = 0
    not_applicable: int = 0

    @property
    def counted(self) -> int:
        return self.achieved + self.in_progress + self.not_started

    def pct(self, name: str) -> int:
        return round(100 * getattr(self, name) / self.counted) if self.counted else 0


@dataclass
class ProgressMap:
    round: Round
    parties: list[PartyData]
    objectives: list[Objective]
    rows: list[tuple[Action, list[Cell]]]
    shares: dict[int, dict[int, ObjectiveShare]]     # party id -> objective number -> share
    priorities: list[tuple[PartyData, dict[str, Any]]]
    # The actual figures of each indicator, per party and summed (domain/indicators.totals).
    figures: list[indicators.Total] = field(default_factory=list)
    # Recommendations followed up (issue 15, item 2): per party shown, the previous round's published
    # recommendations to it with the follow-up its data gives (follow_up_rows below, as the export).
    follow_ups: list[tuple[PartyData, list[dict[str, Any]]]] = field(default_factory=list)

    @property
    def figure_parties(self) -> list[PartyData]:
        """The parties that report on an action with indicators: the columns of the figures' table."""
        reporting = {code for t in self.figures for code in t.parties}
        return [p for p in self.parties if p.has_statuses and p.party.code in reporting]

    def rows_of(self, objective: Objective) -> list[tuple[Action, list[Cell]]]:
        return [(a, cells) for a, cells in self.rows if a.objective_id == objective.id]


def _status(entry: dict[str, Any] | None) -> EntryStatus | None:
    if not entry or not entry.get("status"):
        return None
    return EntryStatus(entry["status"])


def build_map(rnd: Round, user: Any) -> ProgressMap:
    parties = round_data(rnd, user, outlines_only=True)
    objectives = list(db.session.scalars(sa.select(Objective).where(
        Objective.plan_version_id == rnd.plan_version_id).order_by(Objective.number)))
    actions = list(db.session.scalars(sa.select(Action).join(Objective).where(
        Action.plan_version_id == rnd.plan_version_id).order_by(Objective.number, Action.position)))
    # Show only actions that at least one of the visible parties reports on.
    actions = [a for a in actions if any(actors.reports_on(p.party, a) for p in parties)]
    priorities_by: dict[tuple[int, str], list[dict[str, Any]]] = {}
    priority_list = []
    for data in parties:
        for entry in data.entries.values():
            if entry.get("kind") == "priority":
                priorities_by.setdefault((data.party.id, entry["action_code"]), []).append(entry)
                priority_list.append((data, entry))
    rows = []
    shares: dict[int, dict[int, ObjectiveShare]] = {
        p.party.id: {o.number: ObjectiveShare(o.number) for o in objectives} for p in parties}
    for action in actions:
        cells = []
        for data in parties:
            applies = actors.reports_on(data.party, action)
            action_entry = data.entries.get(action.code)
            cell = Cell(data, applies, _status(action_entry) if data.has_statuses else None, action.code,
                        priorities_by.get((data.party.id, action.code), []))
            cells.append(cell)
            if applies and data.has_statuses:
                _count(shares[data.party.id][action.objective.number], cell.status)
        rows.append((action, cells))
    for data, entry in priority_list:
        _count(shares[data.party.id][entry["objective"]], _status(entry))
    shown = [p for p in parties if p.has_statuses]
    figures = [t for t in indicators.totals([(p.party.code, p.entries) for p in shown]) if t.by_party]
    return ProgressMap(rnd, parties, objectives, rows, shares, priority_list, figures, _follow_ups(parties))


def _follow_ups(parties: list[PartyData]) -> list[tuple[PartyData, list[dict[str, Any]]]]:
    """Each party's followed-up recommendations, the shown revisions' items read in one query (the map
    loads its revisions without their snapshots)."""
    ids = [p.revision.id for p in parties if p.has_statuses and p.revision is not None]
    items: dict[int, list[dict[str, Any]]] = {}
    if ids:
        items = {rid: found or [] for rid, found in db.session.execute(
            sa.select(Revision.id, Revision.snapshot["follow_ups"]).where(Revision.id.in_(ids)))}
    rows = follow_up_rows(parties, lambda revision: items.get(revision.id) or [])
    return [(p, found) for p in parties if (found := [r for r in rows if r["party_code"] == p.party.code])]


def _count(share: ObjectiveShare, status: EntryStatus | None) -> None:
    if status == EntryStatus.not_applicable:
        share.not_applicable += 1
    else:
        # An entry without a status counts as not started.
        name = SHARE_OF.get(status, "not_started") if status is not None else "not_started"
        setattr(share, name, getattr(share, name) + 1)


def follow_up_rows(party_data: list[PartyData],
                   items_of: Callable[[Revision], list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Each recommendation of the previous round a party answered in the data shown (issue 15, item 2),
    for the export's sheet and the map: the published recommendation beside its follow-up, as the
    revision froze them (an item is made only of a recommendation a final edition published:
    services/reporting/follow_ups.py).

    `items_of` gives a revision's "follow_ups" where the snapshots are not loaded (the progress map reads
    them all in one query); by default the revision's snapshot."""
    tracker = FootnoteTracker()
    rows = []
    for data in party_data:
        if data.source == COUNT_ONLY or data.revision is None:
            continue
        items = items_of(data.revision) if items_of is not None else data.revision.snapshot.get("follow_ups")
        for f in items or []:
            rows.append({"party": tracker.mention(data.party), "party_code": data.party.code,
                         "data": data.source_title,
                         "round": f.get("round_title", ""), "number": f["number"],
                         "recommendation": f["recommendation"], "codes": ", ".join(f["action_codes"]),
                         "status": FollowUpStatus(f["status"]).title if f.get("status") else "",
                         "status_value": f.get("status") or "",
                         "narrative": f.get("narrative") or ""})
    return rows


# --- across rounds ----------------------------------------------------------------------------------

@dataclass
class Movement:
    code: str
    action_text: str
    previous: EntryStatus | None
    current: EntryStatus | None
    changed_action: bool       # the action's wording or place differs between the two plan versions

    @property
    def direction(self) -> str:
        if self.previous is None or self.current is None or \
                EntryStatus.not_applicable in (self.previous, self.current):
            return "new" if self.previous is None and self.current is not None else "n/a"
        delta = RANK[self.current] - RANK[self.previous]
        return "up" if delta > 0 else "down" if delta < 0 else "same"


@dataclass
class PartyMovement:
    party: Party
    current: PartyData | None
    previous: PartyData | None
    movements: list[Movement]

    def count(self, direction: str) -> int:
        return sum(1 for m in self.movements if m.direction == direction)


@dataclass
class AcrossRounds:
    rounds: list[Round]                                        # oldest first
    shares: dict[int, dict[int, dict[int, ObjectiveShare]]]    # round id -> party id -> objective -> share
    parties: list[Party]
    current: Round
    previous: Round | None
    movements: list[PartyMovement]
    only_in_one: list[str]                                      # action codes not in both versions


def across_rounds(current: Round, user: Any) -> AcrossRounds:
    """How each party moved: the shares of every visible round, and action by action since the previous one."""
    from ctportal.services.desk.plan_versions import match_actions

    # The rounds up to this one, oldest first, and the one before it as services/reporting/previous.py defines it.
    before = previous_round(current)
    rounds = [r for r in chronological(visible_rounds(user) + [current]) if r.id != current.id
              and (r.period_end, r.id) < (current.period_end, current.id)] + [current]
    maps = {r.id: build_map(r, user) for r in rounds}
    parties_seen: dict[int, Party] = {}
    for m in maps.values():
        for p in m.parties:
            parties_seen.setdefault(p.party.id, p.party)
    parties = sorted(parties_seen.values(), key=lambda p: p.sort_order)
    previous = before if before in rounds else None   # one the user may not see is not compared with
    movements = []
    only_in_one = []
    if previous is not None:
        matches = match_actions(previous.plan_version, current.plan_version)
        only_in_one = [m.code for m in matches if m.old is None or m.new is None]
        cur = {p.party.id: p for p in maps[current.id].parties}
        prev = {p.party.id: p for p in maps[previous.id].parties}
        for party in parties:
            c, pd = cur.get(party.id), prev.get(party.id)
            moves = []
            for match in matches:
                action = match.new or match.old
                assert action is not None  # match_actions pairs every action with at least one side
                if not actors.reports_on(party, action):
                    continue
                moves.append(Movement(
                    match.code, action.text,
                    _status(pd.entries.get(match.code)) if pd and pd.has_statuses else None,
                    _status(c.entries.get(match.code)) if c and c.has_statuses else None,
                    match.changed))
            movements.append(PartyMovement(party, c, pd, moves))
    return AcrossRounds(rounds, {r.id: maps[r.id].shares for r in rounds}, parties, current, previous,
                        movements, only_in_one)
