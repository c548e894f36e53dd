"""Writing one demo entry: the party's voice and the shared sentences (ctportal/demo/data) made into content.

Randomness is seeded per party and entry, so the text depends on nothing but the plan and the data
files; the draws happen in a fixed order, which is why the code below keeps that order even where
it could be written shorter.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ctportal.demo.plan import CORE_INSTITUTIONS, DRAWN_STATUSES, DemoData, EuVoice, PartnerVoice
from ctportal.demo.reader import DemoDataError
from ctportal.domain.parties import PARTIES, display_name
from ctportal.models import Entry, EntryStatus, LegalAct, Measure, Report, Round, User

# The partners as an EU entry names them, in the EU's order ("Kosovo*" through the parties module).
PARTNER_NAMES = [display_name(info) for info in PARTIES if info.kind == "wb_partner"]


@dataclass
class Content:
    status: EntryStatus
    narrative: str = ""
    summary: str = ""               # the key progress the party writes (judgement.yaml)
    na_justification: str = ""
    challenges: str = ""
    eu_support_needed: str = ""
    next_steps: str = ""
    next_steps_timeline: str = ""
    responsible_institutions: str = ""
    measures: list[tuple[str, dt.date]] = field(default_factory=list)
    legal_acts: list[tuple[str, dt.date, str]] = field(default_factory=list)


def _day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def _month(day: dt.date) -> str:
    return day.strftime("%B %Y")


def _numbers(rng: random.Random) -> dict[str, int]:
    n = rng.randint(6, 24)
    return {"n": n, "k": rng.randint(2, min(5, n - 1)), "m": rng.randint(12, 60), "c": rng.randint(2, n - 2),
            "y": rng.randint(3, 9), "mo": rng.randint(1, 11), "steps": 0}


def _quarter(rng: random.Random) -> str:
    return rng.choice(["Q1", "Q2", "Q3", "Q4"])


def partner_content(data: DemoData, code: str, key: str, action_code: str, rnd: Round, *,
                    priority_text: str = "") -> Content:
    plan, texts = data.parties[code], data.partner_texts
    voice = plan.voice
    assert isinstance(voice, PartnerVoice), code
    rng = random.Random(f"demo:{code}:{key}")
    if action_code in voice.not_applicable and not priority_text:
        return Content(status=EntryStatus.not_applicable, na_justification=texts.not_applicable[action_code])
    if action_code not in texts.topics:
        raise DemoDataError("partners.yaml", f"topics.{action_code}", "missing: the plan has this partner action")
    topic = texts.topics[action_code]
    inst = voice.institutions
    status = (EntryStatus.in_progress if priority_text
              else rng.choices(DRAWN_STATUSES, weights=voice.status_weights)[0])
    nums = _numbers(rng)
    nums["steps"] = nums["k"] + rng.randint(1, 3)
    start, end = rnd.period_start, rnd.period_end
    next_year = end.year + 1
    others = [o for o in topic.others if o != topic.lead]
    other_keys = rng.sample(others, k=min(2, len(others))) if others else ["moi"]
    months = sorted(rng.sample(range(12), 3))
    values = dict(nums, city=rng.choice(voice.municipalities),
                  month=_month(_add_months(start, months[0])), month2=_month(_add_months(start, months[2])),
                  month3=_month(_add_months(start, months[1])),
                  next_year=next_year, q=_quarter(rng),
                  lead="the {} ({})".format(*inst[topic.lead]), Lead="The {} ({})".format(*inst[topic.lead]),
                  topic=topic.phrase,
                  other=" and ".join("the " + inst[o][0] for o in other_keys),
                  third=inst[rng.choice([k for k in CORE_INSTITUTIONS
                                         if k != topic.lead and k not in other_keys])][0],
                  lead_short=inst[topic.lead][0],
                  other_full=" and ".join(("The" if i == 0 else "the") + " {} ({})".format(*inst[o])
                                          for i, o in enumerate(other_keys)))
    values.update({f"{k}_en": v[0] for k, v in inst.items()})
    opening = rng.choice(texts.openings[status]).format(**values)
    opening = opening[0].upper() + opening[1:]
    paragraphs = []
    if priority_text:
        paragraphs.append(texts.priority_lead_in.format(text=priority_text.rstrip("."), opening=opening))
    else:
        paragraphs.append(opening)
    middle = rng.sample(texts.middles, k=3)
    paragraphs.append(" ".join(m.format(**values) for m in middle[:2]))
    measures_text = [m.format(**values) for m in topic.measures]
    achieving = status in (EntryStatus.achieved, EntryStatus.partially_achieved, EntryStatus.in_progress)
    if achieving:
        bullets = [b.format(**values) for b in topic.bullets] or measures_text[:3]
        if rng.random() < 0.55 or topic.bullets:
            lead_in = texts.bullets_lead_in if topic.bullets else texts.results_lead_in
            paragraphs.append(lead_in + "\n\n" + "\n".join(f"- {b[0].lower() + b[1:]}" if topic.bullets
                                                           else f"- {b}" for b in bullets))
    paragraphs.append(rng.choice(texts.closings[status]))
    if len(" ".join(paragraphs).split()) < 90:
        paragraphs.insert(2, middle[2].format(**values))
    content = Content(status=status, narrative="\n\n".join(paragraphs))
    content.responsible_institutions = "; ".join("{} ({})".format(*inst[k]) for k in [topic.lead, *other_keys])
    if achieving:
        count = min(len(measures_text), rng.choice([2, 3]))
        days = sorted(_day_in(rng, start, end) for _ in range(count))
        content.measures = list(zip(measures_text[:count], days, strict=True))
    elif status == EntryStatus.planned:
        days = sorted(_day_in(rng, start, end) for _ in range(2))
        content.measures = [(m.format(**values), day) for m, day in zip(texts.planned_measures, days, strict=True)]
    if topic.law and achieving and rng.random() < 0.8:
        english, native = voice.laws[topic.law]
        adopted = _day_in(rng, start, end)
        content.legal_acts = [(f"{english} ({native})", adopted,
                               voice.gazette_reference(rng.randint(12, 140), adopted.year))]
    if status != EntryStatus.achieved or rng.random() < 0.4:
        content.challenges = rng.choice(texts.challenges)
    if rng.random() < 0.6:
        content.eu_support_needed = rng.choice(texts.eu_support)
    step, when = rng.choice(texts.next_steps if achieving else texts.planning_steps)
    content.next_steps = step.format(**values)
    content.next_steps_timeline = when.format(**values)
    return content


def eu_content(data: DemoData, code: str, key: str, rnd: Round) -> Content:
    plan, texts = data.parties[code], data.eu_texts
    voice = plan.voice
    assert isinstance(voice, EuVoice), code
    if key not in voice.topics:
        raise DemoDataError(plan.file, f"voice.topics.{key}", f"missing: the plan has this action for {code}")
    rng = random.Random(f"demo:{code}:{key}")
    topic = voice.topics[key]
    partners = rng.sample(PARTNER_NAMES, k=3)
    nums = _numbers(rng)
    values = dict(nums, p1=partners[0], p2=partners[1], p3=partners[2], month=_month(
        _day_in(rng, rnd.period_start, rnd.period_end)))
    status = rng.choice(texts.statuses)
    measures_text = [m.format(**values) for m in topic.measures]
    paragraphs = [
        texts.opening.format(who=voice.name, topic=topic.topic),
        " ".join(m.format(**values) for m in rng.sample(texts.middles, k=2)),
        texts.activities_lead_in + "\n\n" + "\n".join(f"- {m}" for m in measures_text),
        texts.closing,
    ]
    days = sorted(_day_in(rng, rnd.period_start, rnd.period_end) for _ in measures_text)
    next_year = rnd.period_end.year + 1
    challenges = rng.choice(texts.challenges)
    step, when = texts.next_step
    return Content(
        status=status, narrative="\n\n".join(paragraphs), responsible_institutions=topic.responsible,
        measures=list(zip(measures_text, days, strict=True)), challenges=challenges,
        next_steps=step.format(next_year=next_year), next_steps_timeline=when.format(q=_quarter(rng),
                                                                                    next_year=next_year))


def content_for(data: DemoData, report: Report, entry: Entry) -> Content:
    code = report.party.code
    if isinstance(data.parties[code].voice, PartnerVoice):
        text = entry.priority_action.text if entry.priority_action is not None else ""
        content = partner_content(data, code, entry.key if not text else f"priority:{entry.action.code}",
                                  entry.action.code, report.round, priority_text=text)
    else:
        content = eu_content(data, code, entry.action.code, report.round)
    content.summary = data.judgement.key_progress.get(code, {}).get(entry.key, "")
    return content


def apply(entry: Entry, content: Content, user: User | None, when: dt.datetime | None) -> None:
    entry.status = content.status
    for name in ("narrative", "summary", "na_justification", "challenges", "eu_support_needed", "next_steps",
                 "next_steps_timeline", "responsible_institutions"):
        setattr(entry, name, getattr(content, name))
    entry.measures = [Measure(position=i + 1, description=d, taken_on=day)
                      for i, (d, day) in enumerate(content.measures)]
    entry.legal_acts = [LegalAct(position=i + 1, title=t, adopted_on=day, gazette_reference=g)
                        for i, (t, day, g) in enumerate(content.legal_acts)]
    entry.updated_by_id = user.id if user is not None else None
    entry.updated_at = when
