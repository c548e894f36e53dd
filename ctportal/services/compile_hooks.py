"""What the consolidated PDF needs to hear from the workflow (filled in by the PDF issue)."""
from __future__ import annotations

from typing import Any


def revision_approved(revision: Any) -> None:
    """An approved revision cannot change: its PDF part can be rendered now, in the background."""
    return None


def revision_reopened(revision: Any, reason: str, user: Any) -> None:
    """Every compiled edition containing this revision is superseded."""
    return None
