"""The demo's data files (ctportal/demo/data/*.yaml), read and checked into plain dataclasses.

`cast.yaml` holds the accounts and the round; `partners.yaml` and `eu.yaml` the sentences the
entries are made of; `judgement.yaml` the Commission's texts and key progress; one file per
party (`al.yaml` … `eurojust.yaml`, named by party code) its own
names and its walk-through. Everything is checked before the database is touched: types, unknown
keys, placeholders, and references between files (an account, an institution or a law that does
not exist). Each problem raises `DemoDataError` naming the file and the key.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from ctportal.demo.plan import (CORE_INSTITUTIONS, DRAWN_STATUSES, EU_VALUES, PARTNER_VALUES, Account, ApprovalPlan,
                               Cast, CommentPlan, DemoData, DocumentPlan, EuTexts, EuTopic, EuVoice, FollowedUpPlan,
                               PartnerTexts, JudgementPlan, PartnerVoice, PartyPlan, PreviousRoundPlan, PriorityPlan,
                               ProcessPlan, CorrectionPlan, FactcheckPlan,
                               ReviewPlan, RevisionPlan, RoundPlan, Story, TextPlan, Topic, AssignmentPlan, WorkPlan)
from ctportal.demo.reader import DemoDataError, Node, read_yaml
from ctportal.domain.parties import PARTIES
from ctportal.models import Assessment, EntryStatus, FollowUpStatus, ProcessKind, ReportState, Role, Visibility

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def demo_data() -> DemoData:
    """The checked demo data; read once per process."""
    return load(DATA_DIR)


def load(directory: Path) -> DemoData:
    cast = _cast(read_yaml(directory / "cast.yaml"))
    emails = {a.email for a in cast.accounts}
    parties = {info.code: _party(read_yaml(directory / f"{info.code.lower()}.yaml"), info.code,
                                 info.kind == "wb_partner", emails)
               for info in PARTIES}
    for plan in parties.values():
        if not cast.editors(plan.code):
            raise DemoDataError("cast.yaml", "accounts", f"no coordinator or EU reporter of {plan.code}")
    voices = {code: p.voice for code, p in parties.items() if isinstance(p.voice, PartnerVoice)}
    texts = _partner_texts(read_yaml(directory / "partners.yaml"), voices)
    judgement = _judgement(read_yaml(directory / "judgement.yaml"), emails, set(parties))
    return DemoData(cast, parties, texts, _eu_texts(read_yaml(directory / "eu.yaml")), judgement)


# --- judgement.yaml ----------------------------------------------------------------------------------

def _judgement(node: Node, emails: set[str], codes: set[str]) -> JudgementPlan:
    top = node.only(["texts"], ["key_progress", "edited_key_progress", "previous_round", "processes"])

    def account(item: Node) -> str:
        return item.one_of(emails, "a demo account")

    texts = []
    for item in top.sequence_at("texts"):
        fields = item.only(["slot", "written_by", "body"], ["approved_by", "assessment", "recommendations"])
        written = account(fields["written_by"])
        approved = account(fields["approved_by"]) if fields.get("approved_by") else ""
        if approved == written:
            fields["approved_by"].fail("a text is approved by someone other than its writer")
        assessment = fields["assessment"].choice(Assessment) if fields.get("assessment") else None
        recommendations = tuple(
            (r.only(["text", "actions"])["text"].text(), tuple(a.text() for a in r["actions"].sequence()))
            for r in (fields["recommendations"].sequence() if fields.get("recommendations") else []))
        texts.append(TextPlan(fields["slot"].text(), written, approved, fields["body"].text(), assessment,
                              recommendations))

    def by_party(name: str) -> dict[str, dict[str, str]]:
        """party code -> entry key -> text; the codes checked against the parties."""
        found = top.get(name)
        plan = {}
        for code, per_entry in (found.items() if found is not None else []):
            if code not in codes:
                per_entry.fail(f"{code!r} is not a party code")
            plan[code] = {key: text.text() for key, text in per_entry.items()}
        return plan

    summaries, edited = by_party("key_progress"), by_party("edited_key_progress")
    before = top.get("previous_round")
    return JudgementPlan(tuple(texts), summaries, edited,
                         _previous_round(before, account, codes) if before is not None else None,
                         _processes(top.get("processes"), account, codes))


def _processes(node: Node | None, account: Callable[[Node], str], codes: set[str]) -> tuple[ProcessPlan, ...]:
    """The follow-up processes a round's Commission recorded (issue 15, item 5)."""
    out = []
    for item in (node.sequence() if node is not None else []):
        f = item.only(["kind", "title", "held_on", "place", "parties", "recorded_by", "summary"],
                      ["ends_on", "participants", "internal_notes", "actions", "recommendations", "report",
                       "report_shared"])
        held = _day(f["held_on"])
        if held[0] < 1:
            f["held_on"].fail("a process recorded in the demo was held at least a year ago (years_ago: 1 or more)")
        party_codes = tuple(p.one_of(codes, "a party code") for p in f["parties"].sequence())
        recs = []
        for r in (f["recommendations"].sequence() if f.get("recommendations") else []):
            pair = r.only(["party", "number"])
            recs.append((pair["party"].one_of(set(party_codes), "a party the process concerned"),
                         pair["number"].integer(1, 20)))
        out.append(ProcessPlan(
            f["kind"].choice(ProcessKind), f["title"].text(), held, _day(f["ends_on"]) if f.get("ends_on") else None,
            f["place"].text(), party_codes, account(f["recorded_by"]), f["summary"].text(),
            f["participants"].text() if f.get("participants") else "",
            f["internal_notes"].text() if f.get("internal_notes") else "",
            tuple(a.text() for a in f["actions"].sequence()) if f.get("actions") else (), tuple(recs),
            f["report"].text() if f.get("report") else "",
            f["report_shared"].flag() if f.get("report_shared") else False))
    return tuple(out)


def _factcheck(node: Node, account: Callable[[Node], str]) -> FactcheckPlan:
    f = node.only(["opened_by", "corrections"])
    corrections = []
    for item in f["corrections"].sequence():
        c = item.only(["by", "text", "outcome", "resolved_by"], ["action", "reply"])
        outcome = c["outcome"].one_of({"accepted", "not_accepted"}, "an outcome")
        corrections.append(CorrectionPlan(account(c["by"]), c["action"].text() if c.get("action") else "",
                                          c["text"].text(), outcome, c["reply"].text() if c.get("reply") else "",
                                          account(c["resolved_by"])))
    return FactcheckPlan(account(f["opened_by"]), tuple(corrections))


def _previous_round(node: Node, account: Callable[[Node], str], codes: set[str]) -> PreviousRoundPlan:
    f = node.only(["title", "document_number", "period_start", "period_end", "party", "written_by", "approved_by",
                   "assessment", "body", "recommendations"], ["processes", "factcheck"])
    if account(f["approved_by"]) == account(f["written_by"]):
        f["approved_by"].fail("a text is approved by someone other than its writer")
    recommendations = []
    for item in f["recommendations"].sequence():
        r = item.only(["text", "actions", "follow_up"])
        answer = r["follow_up"].only(["status", "narrative"])
        recommendations.append(FollowedUpPlan(r["text"].text(), tuple(a.text() for a in r["actions"].sequence()),
                                              answer["status"].choice(FollowUpStatus), answer["narrative"].text()))
    return PreviousRoundPlan(f["title"].text(), f["document_number"].text(), _day(f["period_start"]),
                             _day(f["period_end"]), f["party"].one_of(codes, "a party code"),
                             account(f["written_by"]), account(f["approved_by"]), f["assessment"].choice(Assessment),
                             f["body"].text(), tuple(recommendations), _processes(f.get("processes"), account, codes),
                             _factcheck(f["factcheck"], account) if f.get("factcheck") else None)


# --- cast.yaml --------------------------------------------------------------------------------------

def _cast(node: Node) -> Cast:
    node.only(["password", "accounts", "round"])
    codes = [info.code for info in PARTIES]
    accounts = []
    for item in node["accounts"].sequence():
        item.only(["email", "name", "role"], ["party"])
        party = item.get("party")
        accounts.append(Account(item["email"].text(), item["name"].text(), item["role"].choice(Role),
                                party.one_of(codes, "a party code") if party else None))
    rnd = node["round"].only(["title", "document_number", "period_start", "period_end", "meeting",
                              "submission_deadline_in_days", "review_deadline_in_days"])
    meeting = rnd["meeting"].only(["name", "place", "in_days"])
    return Cast(node["password"].text(), tuple(accounts), RoundPlan(
        rnd["title"].text(), rnd["document_number"].text(), _day(rnd["period_start"]), _day(rnd["period_end"]),
        rnd["submission_deadline_in_days"].integer(1, 365), rnd["review_deadline_in_days"].integer(1, 365),
        meeting["name"].text(), meeting["place"].text(), meeting["in_days"].integer(1, 730)))


def _day(node: Node) -> tuple[int, int, int]:
    node.only(["years_ago", "month", "day"])
    return node["years_ago"].integer(0, 5), node["month"].integer(1, 12), node["day"].integer(1, 31)


# --- one file per party -----------------------------------------------------------------------------

def _party(node: Node, code: str, partner: bool, emails: set[str]) -> PartyPlan:
    node.only(["party", "voice", "walk_through"], ["priority_actions", "partner_work"])
    if node["party"].value != code:
        node["party"].fail(f"this is the file of {code}")
    voice: PartnerVoice | EuVoice = _partner_voice(node["voice"]) if partner else _eu_voice(node["voice"])
    priorities = []
    for item in node.sequence_at("priority_actions"):
        item.only(["action", "set_by", "text", "target"])
        target = item["target"].only(["years_after_period", "month", "day"])
        priorities.append(PriorityPlan(item["action"].text(), item["set_by"].one_of(emails, "a demo account"),
                                       item["text"].text(), target["years_after_period"].integer(0, 5),
                                       target["month"].integer(1, 12), target["day"].integer(1, 31)))
    story = _story(node["walk_through"], emails, voice)
    work = node.get("partner_work")
    return PartyPlan(code, node.file, voice, tuple(priorities), story,
                     _work(work, emails, voice) if work is not None else None)


SIGN_OFFS = ("open", "ready", "accepted", "returned")


def _work(node: Node, emails: set[str], voice: PartnerVoice | EuVoice) -> WorkPlan:
    node.only(["institutions", "assignments"])
    if not isinstance(voice, PartnerVoice):
        node.fail("only a Western Balkans partner keeps institutions")
    kept = tuple(item.one_of(voice.institutions, "an institution of voice.institutions")
                 for item in node["institutions"].sequence())
    assignments = []
    for item in node["assignments"].sequence():
        item.only(["entry", "sign_off"], ["to", "institution", "due_in_days", "note"])
        institution = item["institution"].one_of(kept, "one of partner_work.institutions") if item.get(
            "institution") else ""
        sign_off = item["sign_off"].one_of(SIGN_OFFS, "a sign-off state")
        note = item["note"].text(()) if item.get("note") else ""
        if (sign_off == "returned") != bool(note):
            item.fail("an entry sent back has a note, and only such an entry")
        assignments.append(AssignmentPlan(
            item["entry"].text(()), item["to"].one_of(emails, "a demo account") if item.get("to") else "",
            institution, item["due_in_days"].integer(1, 365) if item.get("due_in_days") else None, sign_off, note))
    return WorkPlan(kept, tuple(assignments))


def _pair(node: Node) -> tuple[str, str]:
    node.only(["en", "own"])
    return node["en"].text(()), node["own"].text(())


def _partner_voice(node: Node) -> PartnerVoice:
    node.only(["institutions", "municipalities", "gazette", "laws", "status_weights", "not_applicable"])
    institutions = {key: _pair(value) for key, value in node["institutions"].items()}
    for key in CORE_INSTITUTIONS:
        if key not in institutions:
            node["institutions"].fail(f"'{key}' is missing (every partner names {', '.join(CORE_INSTITUTIONS)})")
    weights = node["status_weights"].only([s.value for s in DRAWN_STATUSES])
    return PartnerVoice(
        institutions, node["municipalities"].texts(()), node["gazette"].text(("number", "year", "yy")),
        {key: _pair(value) for key, value in node["laws"].items()},
        tuple(weights[s.value].integer(0, 100) for s in DRAWN_STATUSES),
        frozenset(item.text() for item in node["not_applicable"].sequence()))


def _eu_voice(node: Node) -> EuVoice:
    node.only(["name", "topics"])
    topics = {}
    for code, item in node["topics"].items():
        item.only(["topic", "responsible", "measures"])
        topics[code] = EuTopic(item["topic"].text(()), item["responsible"].text(()), item["measures"].texts(EU_VALUES))
    return EuVoice(node["name"].text(()), topics)


def _story(node: Node, emails: set[str], voice: PartnerVoice | EuVoice) -> Story:
    node.only(["state"], ["answered", "started_without_text", "copied_from_previous", "legal_acts_left_out",
                          "documents", "reviewer", "first_review", "revision", "approval"])

    def account(item: Node) -> str:
        return item.one_of(emails, "a demo account")

    documents = []
    for item in node.sequence_at("documents"):
        item.only(["uploaded_by", "file", "title", "lines"], ["entry"])
        documents.append(DocumentPlan(_entry_key(item.get("entry")), account(item["uploaded_by"]),
                                      item["file"].text(), item["title"].text(), item["lines"].texts()))
    first_review = revision = approval = None
    if review := node.get("first_review"):
        review.only(["request_changes"], ["needs_revision", "comments"])
        comments = tuple(_comment(item, account) for item in review.sequence_at("comments"))
        first_review = ReviewPlan(_keys(review.get("needs_revision")), comments, review["request_changes"].text())
    if fix := node.get("revision"):
        fix.only(["entry", "status", "legal_act"])
        act = fix["legal_act"].only(["law", "gazette_number", "adopted_days_into_period"])
        laws = voice.laws if isinstance(voice, PartnerVoice) else {}
        revision = RevisionPlan(fix["entry"].text(), fix["status"].choice(EntryStatus),
                                act["law"].one_of(laws, "a law of this party's voice"),
                                act["gazette_number"].integer(1, 9999), act["adopted_days_into_period"].integer(0, 364))
    if approve := node.get("approval"):
        approve.only(["by", "assessments"])
        approval = ApprovalPlan(account(approve["by"]),
                                {key: value.choice(Assessment) for key, value in approve["assessments"].items()})
    reviewer, answered = node.get("reviewer"), node.get("answered")
    started, copied = node.get("started_without_text"), node.get("copied_from_previous")
    story = Story(
        node["state"].choice(ReportState), answered.share() if answered else 1.0,
        started.integer(0, 50) if started else 0, copied.flag() if copied else False,
        _keys(node.get("legal_acts_left_out")), tuple(documents), account(reviewer) if reviewer else None,
        first_review, revision, approval)
    _check_story_reaches_its_state(node, story)
    return story


def _comment(item: Node, account: Callable[[Node], str]) -> CommentPlan:
    item.only(["by", "visibility", "text"], ["entry", "answer", "resolved_after_resubmission"])
    answer = item.get("answer")
    if answer:
        answer.only(["by", "text"])
    resolved = item.get("resolved_after_resubmission")
    return CommentPlan(_entry_key(item.get("entry")), account(item["by"]), item["visibility"].choice(Visibility),
                       item["text"].text(), (account(answer["by"]), answer["text"].text()) if answer else None,
                       resolved.flag() if resolved else False)


def _entry_key(node: Node | None) -> str | None:
    return node.text() if node is not None and node.value is not None else None


def _keys(node: Node | None) -> tuple[str, ...]:
    return tuple(item.text() for item in node.sequence()) if node is not None else ()


def _check_story_reaches_its_state(node: Node, story: Story) -> None:
    """The steps a story lists must be the ones that lead to its state (the seeding checks the end too)."""
    steps = {"first_review": story.first_review, "revision": story.revision, "approval": story.approval}
    allowed = {ReportState.draft: (), ReportState.submitted: (), ReportState.changes_requested: ("first_review",),
               ReportState.approved: ("first_review", "revision", "approval")}
    if story.state not in allowed:
        node["state"].fail(f"the demo does not reach {story.state.value}")
    for step, given in steps.items():
        if given is not None and step not in allowed[story.state]:
            node[step].fail(f"a report left {story.state.value} has no {step}")
    if story.state == ReportState.draft and story.reviewer:
        node["reviewer"].fail("a draft is not assigned to a reviewer")
    if story.first_review is not None and not story.reviewer:
        node.fail("'reviewer' is missing (the assigned reviewer reviews first)")
    if story.state == ReportState.changes_requested and story.first_review is None:
        node.fail("'first_review' is missing (it requests the changes)")
    if story.state == ReportState.approved and story.approval is None:
        node.fail("'approval' is missing")
    if (story.first_review is None) != (story.revision is None) and story.state == ReportState.approved:
        node.fail("an approval after a request for changes needs both 'first_review' and 'revision'")


# --- partners.yaml and eu.yaml ------------------------------------------------------------------------

def _steps(node: Node, placeholders: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((item.only(["step", "when"])["step"].text(placeholders), item["when"].text(placeholders))
                 for item in node.sequence())


def _by_status(node: Node, placeholders: tuple[str, ...]) -> dict[EntryStatus, tuple[str, ...]]:
    node.only([s.value for s in DRAWN_STATUSES])
    return {s: node[s.value].texts(placeholders) for s in DRAWN_STATUSES}


def _partner_texts(node: Node, voices: dict[str, PartnerVoice]) -> PartnerTexts:
    node.only(["topics", "openings", "middles", "closings", "challenges", "eu_support", "next_steps",
               "planning_steps", "not_applicable", "priority_lead_in", "bullets_lead_in", "results_lead_in",
               "planned_measures"])
    common = set.intersection(*(set(v.institutions) for v in voices.values()))
    values = (*PARTNER_VALUES, *(f"{key}_en" for key in common))
    topics = {}
    for code, item in node["topics"].items():
        item.only(["phrase", "lead", "others", "measures"], ["law", "bullets"])
        lead = item["lead"].one_of(common, "an institution every partner names")
        others = tuple(o.one_of(common, "an institution every partner names") for o in item["others"].sequence())
        law = item.get("law")
        laws = set.intersection(*(set(v.laws) for v in voices.values()))
        topics[code] = Topic(item["phrase"].text(()), lead, others, item["measures"].texts(values),
                             law.one_of(laws, "a law every partner names") if law else "",
                             item["bullets"].texts(values) if item.get("bullets") else ())
    not_applicable = {code: value.text(()) for code, value in node["not_applicable"].items()}
    for party, voice in voices.items():
        for code in sorted(voice.not_applicable - set(not_applicable)):
            node["not_applicable"].fail(f"no reason for {code}, which {party.lower()}.yaml answers not applicable")
    return PartnerTexts(
        topics, _by_status(node["openings"], values), node["middles"].texts(values), _by_status(node["closings"], ()),
        node["challenges"].texts(()), node["eu_support"].texts(()), _steps(node["next_steps"], values),
        _steps(node["planning_steps"], values), not_applicable,
        node["priority_lead_in"].text(("text", "opening")), node["bullets_lead_in"].text(()),
        node["results_lead_in"].text(()), node["planned_measures"].texts(values))


def _eu_texts(node: Node) -> EuTexts:
    node.only(["opening", "middles", "activities_lead_in", "closing", "statuses", "challenges", "next_step"])
    step = node["next_step"].only(["step", "when"])
    return EuTexts(node["opening"].text(("who", "topic")), node["middles"].texts(EU_VALUES),
                   node["activities_lead_in"].text(()), node["closing"].text(()),
                   tuple(item.choice(EntryStatus) for item in node["statuses"].sequence()),
                   node["challenges"].texts(()),
                   (step["step"].text(("next_year",)), step["when"].text(("q", "next_year"))))
