"""The plan catalogue: one YAML file per plan version, validated, then loaded into the database.

`parse_catalogue` reads a file into plain dataclasses and checks everything it can without a
database; every problem is reported as `file:line: problem`. `load_catalogue` puts a parsed
file into the database once, and refuses a changed file under a code already loaded.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from functools import lru_cache
from pathlib import Path
from collections.abc import Sequence
from typing import cast

import sqlalchemy as sa
import yaml
from sqlalchemy import orm as so

from ctportal.domain.catalogue_indicators import parse_indicators, plan_sha256, sync_indicators
from ctportal.domain.catalogue_specs import (
    ActionSpec, Catalogue, CatalogueError, FootnoteCall, FootnoteSpec, GroupSpec, IndicatorSpec, ObjectiveSpec,
    PlanTranslation)
from ctportal.models.base import db
from ctportal.models.plan import (
    Action, ActorGroup, FollowUpProcess, Footnote, FootnoteRef, LeadIn, Objective, PlanVersion)

PLANS_DIR = Path(__file__).resolve().parent / "plans"
DEFAULT_CATALOGUE = PLANS_DIR / "jap-2018.yaml"
log = logging.getLogger(__name__)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PLAN_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ACTOR_NAMES = ", ".join(g.value for g in ActorGroup)


def _max_length(column: so.InstrumentedAttribute) -> int | None:
    # The column sizes live in the models; SQLite would not enforce them, PostgreSQL would.
    return getattr(column.property.columns[0].type, "length", None)


def list_catalogue_files() -> list[Path]:
    """The catalogue files shipped with the portal, by name."""
    return sorted(PLANS_DIR.glob("*.yaml"))


def parse_catalogue(path: str | Path) -> Catalogue:
    """Read and validate a catalogue file; raise CatalogueError naming the line of any problem."""
    path = Path(path)
    root, raw = _compose(path)
    parser = _Parser(path)
    parsed = parser.catalogue(root, "")
    # The fingerprint leaves out the indicators: they may change under a loaded code (architecture.md).
    return dataclasses.replace(parsed, sha256=plan_sha256(raw.decode("utf-8"), parser.indicator_lines))


def _compose(path: Path) -> tuple[yaml.Node, bytes]:
    """The file's YAML node tree (every value knows its line) and its bytes."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(path, None, f"cannot read the file: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(path, raw[:exc.start].count(b"\n") + 1, "the file is not UTF-8 text") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context and exc.problem and exc.context_mark and exc.context_mark is not mark:
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise CatalogueError(path, mark.line + 1 if mark else None, problem) from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(path, None, f"YAML error: {exc}") from exc
    if root is None:
        raise CatalogueError(path, 1, "the file is empty")
    return root, raw


# --- the plan's texts in the partners' languages (issue 17, item 1; docs/i18n.md, "The plan's texts") ---

def translation_files(plan_code: str) -> list[Path]:
    """The translations shipped for a plan: plans/<plan code>/<language>.yaml, by name."""
    return sorted((PLANS_DIR / plan_code).glob("*.yaml"))


def parse_translation(path: str | Path, plan: Catalogue) -> PlanTranslation:
    """Read and validate a translation of `plan`; raise CatalogueError naming the line of any problem.

    Every key must name a part of the plan (an objective's number, an actor group of that objective,
    one of its action codes); every text follows the plan's own rules (one line, no double spaces)."""
    from ctportal.domain import languages

    path = Path(path)
    root, _raw = _compose(path)
    p = _Parser(path)
    top = p.mapping(root, "the file", ["plan", "language", "objectives"])
    code = p.text(top["plan"], "plan")
    if code != plan.code:
        raise p.error(top["plan"], f"plan '{code}' is not the plan '{plan.code}' this file translates")
    language = p.text(top["language"], "language")
    if language not in languages.CODES or language == languages.DEFAULT:
        raise p.error(top["language"], f"unknown language '{language}' (expected one of "
                                       f"{', '.join(c for c in languages.CODES if c != languages.DEFAULT)})")
    if path.stem != language:
        raise p.error(top["language"], f"language '{language}' in a file named {path.name}"
                                       f" (name it {language}.yaml)")
    by_number = {o.number: o for o in plan.objectives}
    titles: dict[int, str] = {}
    lead_ins: dict[tuple[int, str], str] = {}
    actions: dict[str, str] = {}
    for item in p.sequence(top["objectives"], "objectives"):
        fields = p.mapping(item, "an objective", ["number"], ["title", "lead_ins", "actions"])
        number = p.number(fields["number"], "objective number")
        objective = by_number.get(number)
        if objective is None:
            raise p.error(fields["number"], f"objective {number} is not in plan '{plan.code}'")
        if number in titles or any(k[0] == number for k in lead_ins) or any(
                c.split(".")[0] == str(number) for c in actions):
            raise p.error(fields["number"], f"objective {number} appears twice")
        if "title" in fields:
            titles[number] = p.text(fields["title"], f"title of objective {number}")
        groups = {g.actor_group.value for g in objective.groups}
        given = p.mapping(fields["lead_ins"], f"lead-ins of objective {number}", [], sorted(groups)) if (
            "lead_ins" in fields) else {}
        for key, node in given.items():
            lead_ins[(number, key)] = p.text(node, f"lead-in of the '{key}' group of objective {number}")
        codes = [a.code for a in objective.actions]
        given = p.mapping(fields["actions"], f"actions of objective {number}", [], codes) if (
            "actions" in fields) else {}
        for key, node in given.items():
            actions[key] = p.text(node, f"text of action {key}")
    return PlanTranslation(plan.code, language, titles, lead_ins, actions)


@lru_cache(maxsize=64)
def plan_translation(plan_code: str, language: str) -> PlanTranslation | None:
    """The plan's texts in `language`, or None: no file, or a plan the portal does not ship (a revised
    plan loaded from the plans screen; its translations come with its file). A broken file is logged
    and left out, so the screens fall back to English (tests/test_plan_translations.py checks every
    shipped file)."""
    path = PLANS_DIR / plan_code / f"{language}.yaml"
    source = PLANS_DIR / f"{plan_code}.yaml"
    if not path.is_file() or not source.is_file():
        return None
    try:
        plan = _parsed_plan(source)
        return parse_translation(path, plan) if plan.code == plan_code else None
    except CatalogueError as exc:
        log.warning("plan translation left out: %s", exc)
        return None


@lru_cache(maxsize=8)
def _parsed_plan(path: Path) -> Catalogue:
    return parse_catalogue(path)


class _Parser:
    """Walks the composed YAML node tree, so that every value still knows its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.action_lines: dict[str, int] = {}
        # Where each `indicators:` list stands: its first line, and the line and column where it ends.
        self.indicator_lines: list[tuple[int, int, int]] = []

    def error(self, node: yaml.Node | int, problem: str) -> CatalogueError:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        return CatalogueError(self.path, line, problem)

    # -- shapes and scalar types ---------------------------------------------------------------

    def mapping(self, node: yaml.Node, what: str, required: Sequence[str],
                optional: Sequence[str] = ()) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping of keys to values")
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR):
                example = [*required, *optional][0]
                raise self.error(key_node, f"the keys of {what} must be words, such as '{example}'")
            key = key_node.value
            if key in found:
                raise self.error(key_node, f"key '{key}' appears twice in {what}")
            if key not in required and key not in optional:
                raise self.error(key_node, f"unknown key '{key}' in {what}"
                                           f" (expected {', '.join([*required, *optional])})")
            found[key] = value_node
        for key in required:
            if key not in found:
                raise self.error(node, f"missing key '{key}' in {what}")
        return found

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if node.tag == _NULL:
            raise self.error(node, f"{what} is empty")
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what} must be a list")
        if not node.value:
            raise self.error(node, f"{what} is empty")
        return node.value

    def text(self, node: yaml.Node, what: str, max_length: int | None = None) -> str:
        if node.tag == _NULL:
            raise self.error(node, f"{what} is empty")
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what} must be text")
        if node.tag != _STR:
            raise self.error(node, f"{what} must be text, not {node.tag.rsplit(':', 1)[-1]}"
                                   f" '{node.value}' (put it in quotes)")
        value: str = node.value
        if not value.strip():
            raise self.error(node, f"{what} is empty")
        if value != value.strip():
            raise self.error(node, f"{what} starts or ends with spaces or a line break"
                                   " (write long texts as '>-' folded blocks)")
        if "\n" in value or "  " in value:
            raise self.error(node, f"{what} contains a line break or double space")
        if max_length is not None and len(value) > max_length:
            raise self.error(node, f"{what} is {len(value)} characters long; at most {max_length} fit")
        return value

    def number(self, node: yaml.Node, what: str) -> int:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _INT
                and re.fullmatch(r"[1-9][0-9]*", node.value)):
            raise self.error(node, f"{what} must be a whole number from 1, not {_shown(node)}")
        return int(node.value)

    def date(self, node: yaml.Node, what: str) -> dt.date:
        try:
            if not (isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP):
                raise ValueError
            return dt.date.fromisoformat(node.value)
        except ValueError:
            raise self.error(node, f"{what} must be a date written YYYY-MM-DD, not {_shown(node)}") from None

    def paragraphs(self, node: yaml.Node, what: str) -> str:
        # Paragraphs are stored as one text, separated by blank lines.
        items = self.sequence(node, what)
        return "\n\n".join(self.text(item, f"a paragraph of {what}") for item in items)

    # -- the document --------------------------------------------------------------------------

    def catalogue(self, root: yaml.Node, sha256: str) -> Catalogue:
        top = self.mapping(root, "the file", ["plan", "footnotes", "objectives"], ["follow_up"])
        plan = self.mapping(top["plan"], "plan", ["code", "title", "document"], ["adopted_on"])
        code = self.text(plan["code"], "plan code", _max_length(PlanVersion.code))
        if not _PLAN_CODE.fullmatch(code):
            raise self.error(plan["code"], f"plan code '{code}' must be lower-case letters, digits"
                                           " and single hyphens, such as 'jap-2018'")
        title = self.text(plan["title"], "plan title", _max_length(PlanVersion.title))
        document = self.text(plan["document"], "plan document", _max_length(PlanVersion.document))
        adopted_on = self.date(plan["adopted_on"], "adopted_on") if "adopted_on" in plan else None
        intro, closing = "", ""
        processes: tuple[str, ...] = ()
        if "follow_up" in top:
            follow_up = self.mapping(top["follow_up"], "follow_up", ["intro", "processes"], ["closing"])
            intro = self.paragraphs(follow_up["intro"], "follow_up intro")
            processes = tuple(self.text(p, "a follow-up process")
                              for p in self.sequence(follow_up["processes"], "follow_up processes"))
            if "closing" in follow_up:
                closing = self.paragraphs(follow_up["closing"], "follow_up closing")

        footnotes = self.footnotes(top["footnotes"])
        objective_lines: dict[int, int] = {}
        objectives = [self.objective(node, footnotes, objective_lines)
                      for node in self.sequence(top["objectives"], "objectives")]

        called = {c.number for o in objectives for c in _calls(o)}
        for footnote in footnotes.values():
            if not footnote.context and footnote.number not in called:
                raise self.error(footnote.line, f"footnote {footnote.number} is never called: add it to"
                                                " the 'footnotes' of the action, lead-in or title that"
                                                " calls it, or give it a 'context'")
        return Catalogue(
            path=self.path, sha256=sha256, code=code, code_line=plan["code"].start_mark.line + 1,
            title=title, document=document, adopted_on=adopted_on,
            follow_up_intro=intro, follow_up_processes=processes, follow_up_closing=closing,
            footnotes=tuple(footnotes.values()), objectives=tuple(objectives))

    def footnotes(self, node: yaml.Node) -> dict[int, FootnoteSpec]:
        found: dict[int, FootnoteSpec] = {}
        for item in self.sequence(node, "footnotes"):
            fields = self.mapping(item, "a footnote", ["number", "text"], ["context"])
            number = self.number(fields["number"], "footnote number")
            if number in found:
                raise self.error(fields["number"], f"footnote {number} is defined twice"
                                                   f" (first at line {found[number].line})")
            # Numbered as printed: a gap or a swap is a transcription mistake.
            if number != len(found) + 1:
                raise self.error(fields["number"], f"footnote {number} where footnote {len(found) + 1}"
                                                   " was expected; footnotes are numbered 1, 2, 3, ...")
            context = ""
            if "context" in fields:
                context = self.text(fields["context"], f"context of footnote {number}",
                                    _max_length(Footnote.context))
            found[number] = FootnoteSpec(number, self.text(fields["text"], f"text of footnote {number}"),
                                         context, item.start_mark.line + 1)
        return found

    def objective(self, node: yaml.Node, footnotes: dict[int, FootnoteSpec],
                  seen: dict[int, int]) -> ObjectiveSpec:
        fields = self.mapping(node, "an objective", ["number", "title", "groups"], ["title_footnotes"])
        number = self.number(fields["number"], "objective number")
        line = node.start_mark.line + 1
        if number in seen:
            raise self.error(line, f"objective number {number} is used twice (first at line {seen[number]})")
        seen[number] = line
        title = self.text(fields["title"], f"title of objective {number}")
        title_calls = self.calls(fields.get("title_footnotes"), title, f"the title of objective {number}",
                                 footnotes)
        groups: list[GroupSpec] = []
        group_lines: dict[ActorGroup, int] = {}
        for item in self.sequence(fields["groups"], f"groups of objective {number}"):
            group = self.group(item, number, footnotes)
            if group.actor_group in group_lines:
                raise self.error(group.line, f"actor group '{group.actor_group.value}' appears twice in"
                                             f" objective {number} (first at line"
                                             f" {group_lines[group.actor_group]})")
            group_lines[group.actor_group] = group.line
            groups.append(group)
        return ObjectiveSpec(number, title, title_calls, tuple(groups), line)

    def group(self, node: yaml.Node, objective: int, footnotes: dict[int, FootnoteSpec]) -> GroupSpec:
        where = f"a group of objective {objective}"
        fields = self.mapping(node, where, ["actor", "lead_in", "actions"], ["lead_in_footnotes"])
        name = self.text(fields["actor"], f"actor group of {where}")
        try:
            actor = ActorGroup(name)
        except ValueError:
            raise self.error(fields["actor"], f"unknown actor group '{name}'"
                                              f" (expected one of {_ACTOR_NAMES})") from None
        where = f"the '{actor.value}' group of objective {objective}"
        lead_in = self.text(fields["lead_in"], f"lead-in of {where}")
        lead_in_calls = self.calls(fields.get("lead_in_footnotes"), lead_in, f"the lead-in of {where}",
                                   footnotes)
        actions = tuple(self.action(item, objective, actor, footnotes)
                        for item in self.sequence(fields["actions"], f"actions of {where}"))
        return GroupSpec(actor, lead_in, lead_in_calls, actions, node.start_mark.line + 1)

    def action(self, node: yaml.Node, objective: int, actor: ActorGroup,
               footnotes: dict[int, FootnoteSpec]) -> ActionSpec:
        fields = self.mapping(node, f"an action of objective {objective}", ["code", "text"],
                              ["footnotes", "indicators"])
        code = self.text(fields["code"], "action code", _max_length(Action.code))
        line = fields["code"].start_mark.line + 1
        if code in self.action_lines:
            raise self.error(line, f"action code '{code}' is used twice"
                                   f" (first at line {self.action_lines[code]})")
        prefix = f"{objective}.{actor.code_letter}"
        if not re.fullmatch(re.escape(prefix) + r"[1-9][0-9]*", code):
            raise self.error(line, f"action code '{code}' does not fit objective {objective} and actor"
                                   f" group '{actor.value}' (expected '{prefix}' and a number, such as"
                                   f" '{prefix}1')")
        self.action_lines[code] = line
        text = self.text(fields["text"], f"text of action {code}")
        calls = self.calls(fields.get("footnotes"), text, f"action {code}", footnotes)
        found: tuple[IndicatorSpec, ...] = ()
        if "indicators" in fields:
            found = parse_indicators(self, fields["indicators"], code)
            key_node = next(k for k, _v in cast(yaml.MappingNode, node).value if k.value == "indicators")
            end = fields["indicators"].end_mark
            self.indicator_lines.append((key_node.start_mark.line, end.line, end.column))
        return ActionSpec(code, actor, text, calls, node.start_mark.line + 1, found)

    def calls(self, node: yaml.Node | None, text: str, where: str,
              footnotes: dict[int, FootnoteSpec]) -> tuple[FootnoteCall, ...]:
        """The footnotes called in `text`, checked against the footnote list and the text itself."""
        if node is None:
            return ()
        calls: list[FootnoteCall] = []
        previous_end = 0
        for item in self.sequence(node, f"the footnotes of {where}"):
            fields = self.mapping(item, f"a footnote call in {where}", ["number", "after"])
            number = self.number(fields["number"], "footnote number")
            line = fields["number"].start_mark.line + 1
            if number not in footnotes:
                raise self.error(line, f"footnote {number}, called in {where}, is not in the footnotes list")
            anchor = self.text(fields["after"], f"the words footnote {number} follows",
                               _max_length(FootnoteRef.anchor))
            line = fields["after"].start_mark.line + 1
            count = text.count(anchor)
            if count == 0:
                raise self.error(line, f"footnote {number} is placed after '{anchor}', which is not in the"
                                       f" text of {where}")
            if count > 1:
                raise self.error(line, f"footnote {number} is placed after '{anchor}', which occurs {count}"
                                       f" times in the text of {where}; quote more words so it is unique")
            end = text.index(anchor) + len(anchor)
            if end < previous_end:
                raise self.error(line, f"footnote {number} is listed after footnote {calls[-1].number} but"
                                       f" stands before it in the text of {where}; list them in text order")
            previous_end = end
            calls.append(FootnoteCall(number, anchor, line))
        return tuple(calls)


def _shown(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return f"'{node.value}'"
    return f"a {cast(yaml.SequenceNode | yaml.MappingNode, node).id}"  # the other kinds of node


def _calls(objective: ObjectiveSpec) -> list[FootnoteCall]:
    return [*objective.title_footnotes, *(c for g in objective.groups for c in g.lead_in_footnotes),
            *(c for a in objective.actions for c in a.footnotes)]


def load_catalogue(path: str | Path | None = None) -> PlanVersion:
    """Add a catalogue file's plan version to the session and flush; the caller commits.

    Loading a file already loaded returns its PlanVersion unchanged. A different file under a
    plan code already loaded is refused: reports point at its actions.
    """
    catalogue = parse_catalogue(path or DEFAULT_CATALOGUE)
    existing = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == catalogue.code))
    if existing is not None:
        if existing.source_sha256 == catalogue.sha256:
            sync_indicators(existing, catalogue)
            return existing
        raise CatalogueError(catalogue.path, catalogue.code_line,
                             f"plan version '{catalogue.code}' is already loaded with different content;"
                             " a revised plan needs a new code")

    plan = PlanVersion(
        code=catalogue.code, title=catalogue.title, document=catalogue.document,
        adopted_on=catalogue.adopted_on, follow_up_intro=catalogue.follow_up_intro,
        follow_up_closing=catalogue.follow_up_closing, source_sha256=catalogue.sha256,
        footnotes=[Footnote(number=f.number, text=f.text, context=f.context) for f in catalogue.footnotes],
        follow_up_processes=[FollowUpProcess(position=i, text=t)
                             for i, t in enumerate(catalogue.follow_up_processes, 1)])
    db.session.add(plan)
    db.session.flush()  # actions carry plan_version_id, but no relationship that would set it
    footnotes = {f.number: f for f in plan.footnotes}

    def refs(calls: tuple[FootnoteCall, ...]) -> list[FootnoteRef]:
        return [FootnoteRef(footnote=footnotes[c.number], anchor=c.anchor, position=i)
                for i, c in enumerate(calls, 1)]

    for spec in catalogue.objectives:
        objective = Objective(number=spec.number, title=spec.title, footnote_refs=refs(spec.title_footnotes))
        plan.objectives.append(objective)
        for position, group in enumerate(spec.groups, 1):
            objective.lead_ins.append(LeadIn(actor_group=group.actor_group, position=position,
                                             text=group.lead_in,
                                             footnote_refs=refs(group.lead_in_footnotes)))
        # An action's position runs through its whole objective: Objective.actions is ordered by it.
        for position, action in enumerate(spec.actions, 1):
            objective.actions.append(Action(plan_version_id=plan.id, code=action.code,
                                            actor_group=action.actor_group, position=position,
                                            text=action.text, footnote_refs=refs(action.footnotes)))
    db.session.flush()
    sync_indicators(plan, catalogue)
    return plan
