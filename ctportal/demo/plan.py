"""What the demo data files describe, as plain dataclasses (read and checked by ctportal/demo/loader.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ctportal.models import Assessment, EntryStatus, FollowUpStatus, ProcessKind, ReportState, Role, Visibility

# The order the partners' status weights are drawn in (random.choices depends on it).
DRAWN_STATUSES = (EntryStatus.achieved, EntryStatus.partially_achieved, EntryStatus.in_progress,
                  EntryStatus.planned, EntryStatus.not_started)
# Institutions every partner names: an entry's "third" participant is drawn from them.
CORE_INSTITUTIONS = ("moi", "police", "prosecution", "justice", "intel")
NUMBERS = ("n", "k", "m", "c", "y", "mo", "steps")
PARTNER_VALUES = (*NUMBERS, "city", "month", "month2", "month3", "next_year", "q", "lead", "Lead", "topic",
                  "other", "third", "lead_short", "other_full")
EU_VALUES = (*NUMBERS, "p1", "p2", "p3", "month")


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    role: Role
    party: str | None


@dataclass(frozen=True)
class RoundPlan:
    title: str
    document_number: str
    period_start: tuple[int, int, int]  # (years ago, month, day)
    period_end: tuple[int, int, int]
    submission_deadline_in_days: int
    review_deadline_in_days: int
    meeting_name: str
    meeting_place: str
    meeting_in_days: int


@dataclass(frozen=True)
class Cast:
    password: str
    accounts: tuple[Account, ...]
    round: RoundPlan

    def editors(self, party: str) -> list[str]:
        """Who writes a party's entries: its coordinator (or EU reporter) first, then its contributors."""
        mine = [a for a in self.accounts if a.party == party]
        return ([a.email for a in mine if a.role in (Role.coordinator, Role.eu_reporter)]
                + [a.email for a in mine if a.role == Role.contributor])


@dataclass(frozen=True)
class Topic:
    """What a partner reports under one action: a noun phrase, who leads, typical measures."""

    phrase: str
    lead: str
    others: tuple[str, ...]
    measures: tuple[str, ...]
    law: str
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class PartnerTexts:
    topics: dict[str, Topic]
    openings: dict[EntryStatus, tuple[str, ...]]
    middles: tuple[str, ...]
    closings: dict[EntryStatus, tuple[str, ...]]
    challenges: tuple[str, ...]
    eu_support: tuple[str, ...]
    next_steps: tuple[tuple[str, str], ...]
    planning_steps: tuple[tuple[str, str], ...]
    not_applicable: dict[str, str]
    priority_lead_in: str
    bullets_lead_in: str
    results_lead_in: str
    planned_measures: tuple[str, ...]


@dataclass(frozen=True)
class PartnerVoice:
    institutions: dict[str, tuple[str, str]]  # key -> (English name, the partner's own)
    municipalities: tuple[str, ...]
    gazette: str
    laws: dict[str, tuple[str, str]]
    status_weights: tuple[int, ...]  # in the order of DRAWN_STATUSES
    not_applicable: frozenset[str]

    def gazette_reference(self, number: int, year: int) -> str:
        return self.gazette.format(number=number, year=year, yy=f"{year % 100:02d}")


@dataclass(frozen=True)
class EuTopic:
    topic: str
    responsible: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class EuVoice:
    name: str
    topics: dict[str, EuTopic]


@dataclass(frozen=True)
class EuTexts:
    opening: str
    middles: tuple[str, ...]
    activities_lead_in: str
    closing: str
    statuses: tuple[EntryStatus, ...]
    challenges: tuple[str, ...]
    next_step: tuple[str, str]


@dataclass(frozen=True)
class PriorityPlan:
    action: str
    set_by: str
    text: str
    years_after_period: int
    month: int
    day: int


@dataclass(frozen=True)
class DocumentPlan:
    entry: str | None
    uploaded_by: str
    file: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CommentPlan:
    entry: str | None
    by: str
    visibility: Visibility
    text: str
    answer: tuple[str, str] | None  # (by, text), posted after the request for changes
    resolved_after_resubmission: bool


@dataclass(frozen=True)
class ReviewPlan:
    needs_revision: tuple[str, ...]
    comments: tuple[CommentPlan, ...]
    request_changes: str


@dataclass(frozen=True)
class RevisionPlan:
    entry: str
    status: EntryStatus
    law: str
    gazette_number: int
    adopted_days_into_period: int


@dataclass(frozen=True)
class ApprovalPlan:
    by: str
    assessments: dict[str, Assessment]


@dataclass(frozen=True)
class Story:
    state: ReportState
    answered: float
    started_without_text: int
    copied_from_previous: bool
    legal_acts_left_out: tuple[str, ...]
    documents: tuple[DocumentPlan, ...]
    reviewer: str | None
    first_review: ReviewPlan | None
    revision: RevisionPlan | None
    approval: ApprovalPlan | None


@dataclass(frozen=True)
class PartyPlan:
    code: str
    file: str
    voice: PartnerVoice | EuVoice
    priority_actions: tuple[PriorityPlan, ...]
    story: Story
    work: WorkPlan | None = None  # the work inside the partner (issue 18), for partners that show it


@dataclass(frozen=True)
class AssignmentPlan:
    """One entry's assignment and where its sign-off stands (the party file's `partner_work.assignments`)."""

    entry: str
    to: str                 # an account of the party, or ""
    institution: str        # a key of the voice's institutions, or ""
    due_in_days: int | None
    sign_off: str           # open, ready, accepted or returned
    note: str               # the coordinator's comment when sending it back


@dataclass(frozen=True)
class WorkPlan:
    institutions: tuple[str, ...]   # keys of the voice's institutions, kept under their own names
    assignments: tuple[AssignmentPlan, ...]


@dataclass(frozen=True)
class TextPlan:
    """One of the Commission's texts of the demo round (judgement.yaml)."""

    slot: str
    written_by: str
    approved_by: str            # "" leaves it a draft
    body: str
    assessment: Assessment | None = None
    recommendations: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (text, action codes)


@dataclass(frozen=True)
class FollowedUpPlan:
    """A recommendation of the demo's previous round, and what the party answers in the demo round."""

    text: str
    actions: tuple[str, ...]
    status: FollowUpStatus
    narrative: str


@dataclass(frozen=True)
class ProcessPlan:
    """A follow-up process the Commission recorded (judgement.yaml, `processes`; issue 15, item 5)."""

    kind: ProcessKind
    title: str
    held_on: tuple[int, int, int]          # (years ago, month, day)
    ends_on: tuple[int, int, int] | None
    place: str
    parties: tuple[str, ...]
    recorded_by: str
    summary: str
    participants: str = ""
    internal_notes: str = ""
    actions: tuple[str, ...] = ()
    recommendations: tuple[tuple[str, int], ...] = ()   # (party code, number) of the round's recommendations
    report: str = ""                        # a report document's file name ("" for none)
    report_shared: bool = False


@dataclass(frozen=True)
class CorrectionPlan:
    """A correction a party sends on its part of the previous round's draft edition, and the answer."""

    by: str
    action: str               # "" for a general correction
    text: str
    outcome: str              # accepted / not_accepted
    reply: str
    resolved_by: str


@dataclass(frozen=True)
class FactcheckPlan:
    """The previous round's fact-check: a draft edition, its period, corrections answered, then the final."""

    opened_by: str
    corrections: tuple[CorrectionPlan, ...]


@dataclass(frozen=True)
class PreviousRoundPlan:
    """The round before the demo round (judgement.yaml, previous_round): one party's approved report
    and the Commission's assessment of it, published in a final edition, so the demo round follows
    its recommendations up."""

    title: str
    document_number: str
    period_start: tuple[int, int, int]   # (years ago, month, day), like the demo round's
    period_end: tuple[int, int, int]
    party: str
    written_by: str
    approved_by: str
    assessment: Assessment
    body: str
    recommendations: tuple[FollowedUpPlan, ...]
    processes: tuple[ProcessPlan, ...] = ()
    factcheck: FactcheckPlan | None = None


@dataclass(frozen=True)
class JudgementPlan:
    texts: tuple[TextPlan, ...] = ()
    key_progress: dict[str, dict[str, str]] = field(default_factory=dict)          # party -> key -> summary
    edited_key_progress: dict[str, dict[str, str]] = field(default_factory=dict)   # the reviewer's version
    previous_round: PreviousRoundPlan | None = None
    processes: tuple[ProcessPlan, ...] = ()     # of the demo round


@dataclass(frozen=True)
class DemoData:
    cast: Cast
    parties: dict[str, PartyPlan]
    partner_texts: PartnerTexts
    eu_texts: EuTexts
    judgement: JudgementPlan = field(default_factory=JudgementPlan)
