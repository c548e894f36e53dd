"""The consolidated report's part on the follow-up of the previous round's recommendations
(issue 15, item 2): each partner's answers, as its approved revision froze them."""
from __future__ import annotations

from typing import Any

from ctportal.domain import parties
from ctportal.infra import markdown
from ctportal.models import FollowUpStatus
from ctportal.services.editions.content import RoundData

TITLE = "Follow-up of the previous round's recommendations"


def follow_up_context(data: RoundData) -> dict[str, Any] | None:
    """One block per partner whose approved report answers recommendations; None when none does."""
    partners = []
    for inc in data.included:
        assert inc.revision is not None  # `included` holds only parties with an approved revision
        items = inc.revision.snapshot.get("follow_ups") or []   # absent in snapshots made before issue 15
        if not items:
            continue
        partners.append({"party": parties.display_name(inc.party), "code": inc.party.code, "items": [
            {"number": f["number"], "recommendation": f["recommendation"], "codes": list(f["action_codes"]),
             "round": f["round_title"],
             "status": FollowUpStatus(f["status"]).title if f.get("status") else "Not answered",
             "html": str(markdown.render(f.get("narrative") or ""))} for f in items]})
    return {"title": TITLE, "partners": partners} if partners else None
