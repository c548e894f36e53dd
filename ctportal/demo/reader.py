"""Reading a demo data file with errors that name the file and the key (`rs.yaml: walk_through.state: ...`).

A `Node` is one value of a parsed YAML file with the path that leads to it; its accessors check the
type and fail with that path, so the loader reads like the schema it checks.
"""
from __future__ import annotations

import enum
import string
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TypeVar

import yaml

E = TypeVar("E", bound=enum.Enum)


class DemoDataError(Exception):
    """A demo data file that cannot be used. The message reads `file: key.path: problem`."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


def read_yaml(path: Path) -> Node:
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DemoDataError(path.name, "", f"cannot be read: {error}") from error
    return Node(path.name, "", value)


@dataclass(frozen=True)
class Node:
    file: str
    path: str
    value: object

    def fail(self, problem: str) -> NoReturn:
        raise DemoDataError(self.file, self.path, problem)

    def _child(self, key: str | int, value: object) -> Node:
        where = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}" if self.path else key
        return Node(self.file, where, value)

    # --- mappings --------------------------------------------------------------------------------
    def _mapping(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            self.fail("expected a mapping of keys to values")
        for key in self.value:
            if not isinstance(key, str):
                self.fail(f"key {key!r} is not text (quote it)")
        return self.value

    def only(self, required: Collection[str], optional: Collection[str] = ()) -> Node:
        """Fail on a missing required key or on a key the schema does not know (a typo)."""
        mapping = self._mapping()
        for key in required:
            if key not in mapping:
                self.fail(f"'{key}' is missing")
        for key in mapping:
            if key not in required and key not in optional:
                self.fail(f"unknown key '{key}' (known: {', '.join([*required, *optional])})")
        return self

    def __getitem__(self, key: str) -> Node:
        mapping = self._mapping()
        if key not in mapping:
            self.fail(f"'{key}' is missing")
        return self._child(key, mapping[key])

    def get(self, key: str) -> Node | None:
        mapping = self._mapping()
        return self._child(key, mapping[key]) if key in mapping else None

    def sequence_at(self, key: str) -> list[Node]:
        """The list under an optional key; none when the key is absent."""
        child = self.get(key)
        return child.sequence() if child is not None else []

    def items(self) -> Iterator[tuple[str, Node]]:
        for key, value in self._mapping().items():
            yield key, self._child(key, value)

    def keys(self) -> list[str]:
        return list(self._mapping())

    # --- sequences and scalars -------------------------------------------------------------------
    def sequence(self) -> list[Node]:
        if not isinstance(self.value, list):
            self.fail("expected a list")
        return [self._child(i, value) for i, value in enumerate(self.value)]

    def text(self, placeholders: Collection[str] | None = None) -> str:
        """Non-empty text; with `placeholders`, every `{name}` in it must be one of them."""
        if not isinstance(self.value, str) or not self.value.strip():
            self.fail("expected a non-empty text")
        if placeholders is not None:
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(self.value) if name is not None}
            except ValueError as error:
                self.fail(f"broken placeholder: {error}")
            unknown = sorted(names - set(placeholders))
            if unknown:
                self.fail(f"unknown placeholder {{{unknown[0]}}} (known: {', '.join(sorted(placeholders))})")
        return self.value

    def texts(self, placeholders: Collection[str] | None = None) -> tuple[str, ...]:
        items = self.sequence()
        if not items:
            self.fail("expected at least one text")
        return tuple(item.text(placeholders) for item in items)

    def integer(self, low: int, high: int) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or not low <= self.value <= high:
            self.fail(f"expected a whole number from {low} to {high}")
        return self.value

    def share(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or not 0 < self.value <= 1:
            self.fail("expected a share above 0 and at most 1, e.g. 0.4")
        return float(self.value)

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail("expected true or false")
        return self.value

    def choice(self, kind: type[E]) -> E:
        try:
            return kind(self.value)
        except ValueError:
            self.fail(f"expected one of {', '.join(member.value for member in kind)}, not {self.value!r}")

    def one_of(self, known: Collection[str], what: str) -> str:
        if self.value not in known:
            self.fail(f"{self.value!r} is not {what} (known: {', '.join(sorted(known))})")
        return str(self.value)
