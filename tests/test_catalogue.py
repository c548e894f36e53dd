"""The plan catalogue: the 2018 plan transcribed verbatim, errors that name their line, loading."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal.domain.catalogue import (
    DEFAULT_CATALOGUE, Catalogue, CatalogueError, FootnoteCall, list_catalogue_files, load_catalogue,
    parse_catalogue)
from ctportal.models.base import db
from ctportal.models.plan import (
    Action, ActorGroup, Footnote, FootnoteRef, LeadIn, Objective, PlanVersion)

REPO_ROOT = Path(__file__).resolve().parents[1]
# The plan's text (Council document 11848/18) lives beside the repository, not in it.
SEED = REPO_ROOT.parent / "shared" / "seeds" / "000_20a9377baf826507.txt"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return parse_catalogue(DEFAULT_CATALOGUE)


# -- the plan's text, read from the seed independently of the YAML ---------------------------------

Call = tuple[int, str]  # a footnote number and the plan's text before it


@dataclass
class SeedGroup:
    actor_group: ActorGroup
    lead_in: str
    lead_in_calls: list[Call]
    bullets: list[str] = field(default_factory=list)
    bullet_calls: list[list[Call]] = field(default_factory=list)


@dataclass
class SeedObjective:
    title: str
    title_calls: list[Call]
    groups: list[SeedGroup] = field(default_factory=list)


@dataclass
class Seed:
    lines: list[str]
    objectives: dict[int, SeedObjective]
    footnotes: dict[int, str]

    def paragraph_after(self, start: str) -> str:
        return next(_clean(line) for line in self.lines if line.startswith(start))

    def calls(self) -> dict[int, str]:
        """Every footnote number in the running text, with the text before it on its line."""
        return {n: before for line in self.lines if not _FOOTNOTE.match(line)
                for n, before in _calls(line)}


_SUP = re.compile(r"<sup>(\d+)</sup>")
_FOOTNOTE = re.compile(r"<sup>(\d+)</sup> (.*)$")
_OBJECTIVE = re.compile(r"#+ (?:\*\*)?Objective (\d+): (.*?)(?:\*\*)?$")


def _clean(markdown: str) -> str:
    text = _SUP.sub("", markdown).replace("**", "")
    text = re.sub(r"\[[^\]]*\]\(([^)]*)\)", r"\1", text)   # a link: the address it points to
    text = re.sub(r"\\+(?=[^\w\s]|_)", "", text)            # Markdown escapes
    return text.strip()


def _calls(markdown: str) -> list[Call]:
    return [(int(m.group(1)), _clean(markdown[:m.start()])) for m in _SUP.finditer(markdown)]


def _actor_group(lead_in: str) -> ActorGroup:
    for start, group in (("Each Western Balkans partner should", ActorGroup.partner),
                         ("Western Balkans partners should jointly", ActorGroup.joint),
                         ("The EU should", ActorGroup.eu),
                         ("On the side of the EU, Europol should", ActorGroup.europol),
                         ("Eurojust should", ActorGroup.eurojust)):
        if lead_in.startswith(start):
            return group
    raise AssertionError(f"a lead-in the test does not know: {lead_in!r}")


def _read_seed(lines: list[str]) -> Seed:
    objectives: dict[int, SeedObjective] = {}
    footnotes: dict[int, str] = {}
    current: SeedObjective | None = None
    lead_in: list[str] = []  # paragraphs since the last bullet: the next group's lead-in
    for line in lines:
        if m := _FOOTNOTE.match(line):
            footnotes[int(m.group(1))] = _clean(m.group(2))
        elif m := _OBJECTIVE.match(line):
            current = objectives[int(m.group(1))] = SeedObjective(_clean(m.group(2)), _calls(m.group(2)))
        elif line.startswith("Signatures of the representatives"):
            current = None
        elif current is None or not line.strip() or line.strip() == "---":
            continue  # outside the objectives, blank lines and page breaks
        elif line.startswith("- "):
            if lead_in:  # "On the side of the EU," and Europol's lead-in read as one sentence
                raw = " ".join(lead_in)
                current.groups.append(SeedGroup(_actor_group(_clean(raw)), _clean(raw), _calls(raw)))
                lead_in = []
            current.groups[-1].bullets.append(_clean(line[2:]))
            current.groups[-1].bullet_calls.append(_calls(line[2:]))
        else:
            lead_in.append(line.strip())
    return Seed(lines, objectives, footnotes)


@pytest.fixture(scope="module")
def seed() -> Seed:
    if not SEED.is_file():
        pytest.skip(f"the plan's text is not at {SEED}; it is expected in shared/ beside the repository")
    return _read_seed(SEED.read_text(encoding="utf-8").splitlines())


def _pairs(calls: tuple[FootnoteCall, ...]) -> list[tuple[int, str]]:
    return [(c.number, c.anchor) for c in calls]


def _check_calls(where: str, yaml_calls: tuple[FootnoteCall, ...], seed_calls: list[Call]) -> None:
    assert [c.number for c in yaml_calls] == [n for n, _ in seed_calls], where
    for call, (_, before) in zip(yaml_calls, seed_calls, strict=True):
        assert before.endswith(call.anchor), f"{where}: footnote {call.number} is not after {call.anchor!r}"


# -- the 2018 plan -----------------------------------------------------------------------------------

def test_the_plan_has_65_actions_in_five_objectives(catalogue: Catalogue) -> None:
    assert [o.number for o in catalogue.objectives] == [1, 2, 3, 4, 5]
    assert Counter(a.actor_group.value for a in catalogue.actions) == {
        "partner": 32, "joint": 7, "eu": 18, "europol": 4, "eurojust": 4}
    assert len(catalogue.actions) == 65
    per_objective = {o.number: Counter(a.actor_group.value for a in o.actions) for o in catalogue.objectives}
    assert [per_objective[n]["partner"] for n in range(1, 6)] == [4, 8, 11, 4, 5]
    assert [per_objective[n]["joint"] for n in range(1, 6)] == [2, 2, 1, 1, 1]
    assert [per_objective[n]["eu"] for n in range(1, 6)] == [4, 7, 0, 5, 2]
    assert per_objective[3]["europol"] == per_objective[3]["eurojust"] == 4


def test_action_codes_are_unique_and_numbered_in_order(catalogue: Catalogue) -> None:
    codes = [a.code for a in catalogue.actions]
    assert len(set(codes)) == len(codes) == 65
    for objective in catalogue.objectives:
        for group in objective.groups:
            letter = group.actor_group.code_letter
            assert [a.code for a in group.actions] == [
                f"{objective.number}.{letter}{n}" for n in range(1, len(group.actions) + 1)]


def test_the_plan_metadata(catalogue: Catalogue) -> None:
    assert (catalogue.code, catalogue.title, catalogue.document, catalogue.adopted_on.isoformat()) == (
        "jap-2018", "Joint Action Plan on Counter-Terrorism for the Western Balkans", "11848/18",
        "2018-10-05")
    assert DEFAULT_CATALOGUE in list_catalogue_files()


def test_every_action_is_verbatim(catalogue: Catalogue, seed: Seed) -> None:
    assert sorted(seed.objectives) == [o.number for o in catalogue.objectives]
    for objective in catalogue.objectives:
        printed = seed.objectives[objective.number]
        assert objective.title == printed.title
        assert [g.actor_group for g in objective.groups] == [g.actor_group for g in printed.groups]
        for group, printed_group in zip(objective.groups, printed.groups, strict=True):
            assert group.lead_in == printed_group.lead_in
            assert len(group.actions) == len(printed_group.bullets), (objective.number, group.actor_group)
            for action, bullet in zip(group.actions, printed_group.bullets, strict=True):
                assert action.text == bullet, action.code


def test_footnotes_are_verbatim_and_called_where_the_plan_calls_them(
        catalogue: Catalogue, seed: Seed) -> None:
    assert {f.number: f.text for f in catalogue.footnotes} == seed.footnotes
    assert sorted(seed.footnotes) == list(range(1, 23))
    for objective in catalogue.objectives:
        printed = seed.objectives[objective.number]
        _check_calls(f"objective {objective.number}", objective.title_footnotes, printed.title_calls)
        for group, printed_group in zip(objective.groups, printed.groups, strict=True):
            _check_calls(f"lead-in {objective.number} {group.actor_group.value}",
                         group.lead_in_footnotes, printed_group.lead_in_calls)
            for action, calls in zip(group.actions, printed_group.bullet_calls, strict=True):
                _check_calls(action.code, action.footnotes, calls)


def test_footnotes_outside_the_actions_say_where_they_stand(catalogue: Catalogue, seed: Seed) -> None:
    in_context = [f for f in catalogue.footnotes if f.context]
    assert [f.number for f in in_context] == [1, 2, 3, 4, 5, 6]
    printed = seed.calls()
    for footnote in in_context:
        words = re.search(r'after "(.*)"$', footnote.context)
        assert words and printed[footnote.number].endswith(words.group(1)), footnote.context


def test_action_1_p1_calls_footnotes_7_to_11(catalogue: Catalogue) -> None:
    action = next(a for a in catalogue.actions if a.code == "1.P1")
    assert _pairs(action.footnotes) == [
        (7, "Directive on Combating Terrorism"), (8, "Anti-Money Laundering Directives"),
        (9, "United Nations Security Council Resolutions"), (10, "Additional Protocol"),
        (11, "(FATF) standards")]


def test_follow_up_is_verbatim(catalogue: Catalogue, seed: Seed) -> None:
    start = seed.lines.index("It is envisaged to make use in particular of the following processes:")
    processes = []
    for line in seed.lines[start + 2:]:
        if not line.startswith("- "):
            break
        processes.append(_clean(line[2:]))
    assert list(catalogue.follow_up_processes) == processes and len(processes) == 4
    assert catalogue.follow_up_intro == "\n\n".join(
        [seed.paragraph_after("There should be appropriate follow-up"), seed.lines[start]])
    assert catalogue.follow_up_closing == seed.paragraph_after("The EU and Western Balkans partners should")


# -- malformed files: the error names the file, the line and the problem ------------------------------

def _line(text: str, needle: str, occurrence: int = 1) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


# (what is wrong, text replaced, replacement, where the error points (its nth occurrence), problem;
#  {first} is the line of the needle's first occurrence)
MALFORMED = [
    ("duplicated code", "code: 1.P2", "code: 1.P1", "code: 1.P1", 2,
     "action code '1.P1' is used twice (first at line {first})"),
    ("unknown actor group", "actor: joint", "actor: partners", "actor: partners", 1,
     "unknown actor group 'partners' (expected one of partner, joint, eu, europol, eurojust)"),
    ("missing plan title", "  title: Joint Action Plan on Counter-Terrorism for the Western Balkans\n", "",
     "code: jap-2018", 1, "missing key 'title' in plan"),
    ("missing objective title", "    title: Effective Prevention and Countering of Violent Extremism\n", "",
     "number: 2\n    groups:", 1, "missing key 'title' in an objective"),
    ("YAML syntax error", "code: 1.P3", "code: 1.P3: and more", "code: 1.P3", 1,
     "YAML syntax error: mapping values are not allowed here"),
    ("anchor not in its text", '"Directive on Combating Terrorism"', '"Directive on Combatting Terrorism"',
     "Directive on Combatting Terrorism", 1,
     "footnote 7 is placed after 'Directive on Combatting Terrorism', which is not in the text of"
     " action 1.P1"),
    ("ambiguous anchor", '"Additional Protocol"', '"Terrorism"', 'after: "Terrorism"', 1,
     "footnote 10 is placed after 'Terrorism', which occurs 3 times in the text of action 1.P1;"
     " quote more words so it is unique"),
    ("calls out of text order",
     '{number: 7, after: "Directive on Combating Terrorism"}\n              '
     '- {number: 8, after: "Anti-Money Laundering Directives"}',
     '{number: 8, after: "Anti-Money Laundering Directives"}\n              '
     '- {number: 7, after: "Directive on Combating Terrorism"}',
     "{number: 7, after", 1,
     "footnote 7 is listed after footnote 8 but stands before it in the text of action 1.P1;"
     " list them in text order"),
    ("missing footnote", "{number: 12, after", "{number: 99, after", "number: 99", 1,
     "footnote 99, called in action 1.P3, is not in the footnotes list"),
    ("footnote never called",
     '            footnotes:\n              - {number: 12, after: "key EU and United Nations strategies"}\n',
     "", "number: 12\n", 1,
     "footnote 12 is never called: add it to the 'footnotes' of the action, lead-in or title that calls it,"
     " or give it a 'context'"),
    ("footnotes out of order", "  - number: 13\n", "  - number: 14\n", "number: 14\n", 1,
     "footnote 14 where footnote 13 was expected; footnotes are numbered 1, 2, 3, ..."),
    ("code of another group", "code: 2.EU7", "code: 2.P9", "code: 2.P9", 1,
     "action code '2.P9' does not fit objective 2 and actor group 'eu' (expected '2.EU' and a number,"
     " such as '2.EU1')"),
    ("duplicated objective number", "  - number: 5\n    title", "  - number: 4\n    title",
     "number: 4\n    title", 2, "objective number 4 is used twice (first at line {first})"),
    ("unknown key", "lead_in_footnotes:", "lead_in_notes:", "lead_in_notes:", 1,
     "unknown key 'lead_in_notes' in a group of objective 4 (expected actor, lead_in, actions,"
     " lead_in_footnotes)"),
    ("date in words", "adopted_on: 2018-10-05", "adopted_on: 5 October 2018", "adopted_on", 1,
     "adopted_on must be a date written YYYY-MM-DD, not '5 October 2018'"),
    ("number as text", 'document: "11848/18"', "document: 11848", "document: 11848", 1,
     "plan document must be text, not int '11848' (put it in quotes)"),
]


@pytest.mark.parametrize("old, new, needle, occurrence, problem",
                         [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_a_malformed_file_is_refused_with_its_line(
        tmp_path: Path, old: str, new: str, needle: str, occurrence: int, problem: str) -> None:
    original = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    assert old in original
    text = original.replace(old, new, 1)
    path = tmp_path / "jap-2018.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(path)

    line = _line(text, needle, occurrence)
    assert str(raised.value) == f"{path}:{line}: {problem.format(first=_line(text, needle))}"
    assert raised.value.line == line


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"empty\.yaml:1: the file is empty$"):
        parse_catalogue(empty)
    with pytest.raises(CatalogueError, match=r"missing\.yaml: cannot read the file"):
        parse_catalogue(tmp_path / "missing.yaml")


# -- loading into the database (the `bare_app` fixture: an app context and an empty schema) ---------------

def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _action(code: str, plan: PlanVersion) -> Action:
    return db.session.scalar(sa.select(Action).where(Action.plan_version_id == plan.id, Action.code == code))


def test_loading_puts_the_whole_plan_in_the_database(bare_app) -> None:
    plan = load_catalogue()

    assert (plan.code, plan.document, str(plan.adopted_on)) == ("jap-2018", "11848/18", "2018-10-05")
    assert (_count(Objective), _count(Action), _count(Footnote), _count(LeadIn)) == (5, 65, 22, 16)
    assert Counter(a.actor_group for a in db.session.scalars(sa.select(Action))) == {
        ActorGroup.partner: 32, ActorGroup.joint: 7, ActorGroup.eu: 18, ActorGroup.europol: 4,
        ActorGroup.eurojust: 4}
    assert len(plan.follow_up_processes) == 4
    assert plan.follow_up_closing.startswith("The EU and Western Balkans partners should seek consistency")

    refs = _action("1.P1", plan).footnote_refs
    assert [(r.footnote.number, r.anchor) for r in refs] == [
        (7, "Directive on Combating Terrorism"), (8, "Anti-Money Laundering Directives"),
        (9, "United Nations Security Council Resolutions"), (10, "Additional Protocol"),
        (11, "(FATF) standards")]
    assert [(r.footnote.number, r.anchor) for r in _action("2.J2", plan).footnote_refs] == [
        (13, "as appropriate,")]

    objective_3, objective_4 = plan.objectives[2], plan.objectives[3]
    assert [r.footnote.number for r in objective_3.footnote_refs] == [14]
    assert [a.code for a in objective_3.actions][-5:] == ["3.EP4", "3.EJ1", "3.EJ2", "3.EJ3", "3.EJ4"]
    partner_lead_in = objective_4.lead_ins[0]
    assert partner_lead_in.actor_group is ActorGroup.partner
    assert [r.footnote.number for r in partner_lead_in.footnote_refs] == [17, 18]
    # Every ref hangs on exactly one text; 1-6 stand outside the actions and are not called.
    assert _count(FootnoteRef) == 16
    assert {f.number for f in plan.footnotes if f.context} == {1, 2, 3, 4, 5, 6}


def test_loading_twice_changes_nothing(bare_app) -> None:
    first = load_catalogue()
    db.session.flush()
    db.session.expunge_all()  # the second load must find the plan in the database, not in memory

    again = load_catalogue(DEFAULT_CATALOGUE)

    assert again.id == first.id
    assert (_count(PlanVersion), _count(Action), _count(Footnote), _count(FootnoteRef)) == (1, 65, 22, 16)


def test_a_changed_file_under_the_same_code_is_refused(bare_app, tmp_path: Path) -> None:
    load_catalogue()
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    changed = tmp_path / "jap-2018.yaml"
    changed.write_text(text.replace("to re-inforce financial", "to reinforce financial"), encoding="utf-8")

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(changed)

    assert str(raised.value) == (
        f"{changed}:{_line(text, 'code: jap-2018')}: plan version 'jap-2018' is already loaded with"
        " different content; a revised plan needs a new code")
    assert _count(Action) == 65


def test_a_revised_plan_under_a_new_code_loads_beside_the_first(bare_app, tmp_path: Path) -> None:
    first = load_catalogue()
    revised = tmp_path / "jap-2018-rev.yaml"
    revised.write_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8").replace(
        "code: jap-2018", "code: jap-2018-rev"), encoding="utf-8")

    second = load_catalogue(revised)

    assert second.id != first.id
    assert _count(Action) == 130
    assert _action("1.P1", second).id != _action("1.P1", first).id
