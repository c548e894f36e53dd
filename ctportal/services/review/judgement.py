"""The Commission's texts of a round: writing, approving, and what an edition prints of them.

A round has one slot per text: the introduction, one assessment per objective of its plan, one per
Western Balkans partner (with numbered recommendations, each linked to action codes of the plan)
and the conclusions. Every save is a draft (written_by is the last writer); approval is a second
person's (policy.may_approve_commission_text); each step is an audit event. Who may see a text is
policy's question (may_read_commission_text): here nothing is shown, only stored and listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import format_number, gettext, ngettext

from ctportal import policy
from ctportal.domain import parties
from ctportal.domain.errors import DomainError
from ctportal.models import (Action, Assessment, CommissionText, Objective, Party, PartyKind, Recommendation, Round,
                             TextKind, TextState, User, db, utcnow)
from ctportal.services import audit

BODY_LIMIT = 20_000
RECOMMENDATION_LIMIT = 2_000
MAX_RECOMMENDATIONS = 20


class TextError(DomainError):
    """A text that may not be saved or approved as asked; the message says why (and the field)."""


@dataclass(frozen=True)
class Slot:
    key: str            # "introduction", "objective-3", "party-AL", "conclusions"
    kind: TextKind
    label: str
    objective_number: int | None = None
    party: Party | None = None

    @property
    def assessed(self) -> bool:
        """Objective and party texts carry an overall assessment on the enlargement scale."""
        return self.kind in (TextKind.objective, TextKind.party)


@dataclass
class RecommendationInput:
    body: str
    codes: list[str] = field(default_factory=list)
    row: int = 0        # the form's row it came from, so an error names that row's field


def slots(rnd: Round) -> list[Slot]:
    """Every text a round has, in the order the consolidated report prints them."""
    objectives = db.session.scalars(sa.select(Objective).where(Objective.plan_version_id == rnd.plan_version_id)
                                    .order_by(Objective.number))
    partners = db.session.scalars(sa.select(Party).where(Party.kind == PartyKind.wb_partner)
                                  .order_by(Party.sort_order, Party.id))
    # Labels in the reader's language: they are the screens' headings and flashes, never printed.
    return [Slot("introduction", TextKind.introduction, gettext("Introduction")),
            *(Slot(f"objective-{o.number}", TextKind.objective,
                   gettext("Objective %(num)d: %(title)s", num=o.number, title=o.title), o.number)
              for o in objectives),
            *(Slot(f"party-{p.code}", TextKind.party, parties.local_name(p), party=p) for p in partners),
            Slot("conclusions", TextKind.conclusions, gettext("Conclusions"))]


def slot_of(rnd: Round, key: str) -> Slot | None:
    return next((s for s in slots(rnd) if s.key == key), None)


def texts(rnd: Round) -> dict[str, CommissionText]:
    return {t.slot: t for t in db.session.scalars(sa.select(CommissionText).where(CommissionText.round_id == rnd.id))}


def text_of(rnd: Round, slot: Slot) -> CommissionText | None:
    return db.session.scalar(sa.select(CommissionText).where(CommissionText.round_id == rnd.id,
                                                             CommissionText.slot == slot.key))


def plan_codes(rnd: Round) -> set[str]:
    return set(db.session.scalars(sa.select(Action.code).where(Action.plan_version_id == rnd.plan_version_id)))


_CODE_SPLIT = re.compile(r"[\s,;]+")


def parse_codes(value: str) -> list[str]:
    """"2.P1, 3.P4" -> ["2.P1", "3.P4"]: commas, semicolons or spaces between codes; case as the plan's."""
    return [c.strip().upper() for c in _CODE_SPLIT.split(value or "") if c.strip()]


def _check(rnd: Round, slot: Slot, body: str, assessment: Assessment | None,
           recommendations: list[RecommendationInput]) -> None:
    if len(body) > BODY_LIMIT:
        raise TextError(gettext("Keep the text under %(limit)s characters (it has %(length)s).",
                                limit=format_number(BODY_LIMIT), length=format_number(len(body))), field="body")
    if slot.assessed and assessment is None and body.strip():
        raise TextError(gettext("Choose the overall assessment on the enlargement scale."), field="assessment")
    if slot.kind != TextKind.party and recommendations:
        raise TextError(gettext("Only a partner's assessment carries recommendations."), field="recommendations")
    if len(recommendations) > MAX_RECOMMENDATIONS:
        raise TextError(gettext("At most %(num)d recommendations.", num=MAX_RECOMMENDATIONS), field="recommendations")
    known = plan_codes(rnd)
    for n, rec in enumerate(recommendations, start=1):
        row = rec.row or n
        if not rec.body.strip():
            raise TextError(gettext("Recommendation %(num)d: write the recommendation for its action codes.", num=n),
                            field=f"rec_{row}_body")
        if len(rec.body) > RECOMMENDATION_LIMIT:
            raise TextError(gettext("Recommendation %(num)d: keep it under %(limit)s characters.", num=n,
                                    limit=format_number(RECOMMENDATION_LIMIT)),
                            field=f"rec_{row}_body")
        if not rec.codes:
            raise TextError(gettext("Recommendation %(num)d: name at least one action code of the plan "
                                    "(for example 2.P1).", num=n),
                            field=f"rec_{row}_codes")
        unknown = [c for c in rec.codes if c not in known]
        if unknown:
            raise TextError(ngettext("Recommendation %(row)d: %(codes)s is not an action code of this round's plan.",
                                     "Recommendation %(row)d: %(codes)s are not action codes of this round's plan.",
                                     len(unknown), row=n, codes=", ".join(unknown)),
                            field=f"rec_{row}_codes")


def save(rnd: Round, slot: Slot, user: User, *, body: str, assessment: Assessment | None = None,
         recommendations: list[RecommendationInput] | None = None,
         version: int | None = None) -> CommissionText:
    """Write the slot's text as a draft (an approved text saved again needs a new approval)."""
    if policy.Permission.ASSESS not in policy.commission_text_permissions(user, rnd):
        raise TextError(gettext("The texts of a closed round can no longer be changed."))
    body = (body or "").replace("\r\n", "\n").strip()
    recs = [RecommendationInput(r.body, [c.strip().upper() for c in r.codes if c.strip()], r.row)
            for r in (recommendations or []) if r.body.strip() or r.codes]
    _check(rnd, slot, body, assessment if slot.assessed else None, recs)
    text = text_of(rnd, slot)
    if text is not None and version is not None and version != text.version:
        raise TextError(gettext("Someone saved this text after you opened it: reload the page and check their "
                                "changes."),
                        field="body")
    if text is None:
        text = CommissionText(round_id=rnd.id, slot=slot.key, kind=slot.kind,
                              objective_number=slot.objective_number,
                              party_id=slot.party.id if slot.party else None, version=0)
        db.session.add(text)
    was = text.state
    text.body = body
    text.assessment = assessment if slot.assessed else None
    text.state, text.approved_by_id, text.approved_at = TextState.draft, None, None
    text.written_by_id, text.written_at = user.id, utcnow()
    text.version = (text.version or 0) + 1
    text.recommendations.clear()
    db.session.flush()
    for n, rec in enumerate(recs, start=1):
        text.recommendations.append(Recommendation(number=n, body=rec.body.strip(),
                                                   action_codes=list(dict.fromkeys(rec.codes))))
    db.session.flush()
    audit.record("judgement.saved", text, actor=user, round=rnd.id, slot=slot.key, version=text.version,
                 was_approved=was == TextState.approved, recommendations=len(recs))
    return text


def approve(rnd: Round, text: CommissionText, user: User, *, version: int) -> CommissionText:
    if policy.Permission.APPROVE not in policy.commission_text_permissions(user, rnd):
        raise TextError(gettext("The texts of a closed round can no longer be approved."))
    if version != text.version:
        raise TextError(gettext("The text changed after you opened it: read it again before approving it."))
    if text.state == TextState.approved:
        raise TextError(gettext("This text is already approved."))
    if not text.body.strip():
        raise TextError(gettext("An empty text cannot be approved: write it first."))
    if not policy.may_approve_commission_text(user, text):
        raise TextError(gettext("You wrote the last version of this text: another member of the Commission "
                                "approves it."))
    text.state, text.approved_by_id, text.approved_at = TextState.approved, user.id, utcnow()
    db.session.flush()
    audit.record("judgement.approved", text, actor=user, round=rnd.id, slot=text.slot, version=text.version)
    return text

