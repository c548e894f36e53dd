"""Report content for the demo round (filled in by a later step)."""
from __future__ import annotations

from ctportal.models import Round


def fill(rnd: Round) -> None:
    """Write realistic draft entries for the parties of a demo round."""
    return None
