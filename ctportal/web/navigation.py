"""The main navigation: each entry is shown to whom policy lets into its area."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from flask import request, url_for
from flask_babel import gettext
from flask_login import current_user

from ctportal import policy
from ctportal.domain.parties import N_
from ctportal.services.messaging import mail, notify


def _everyone(user: Any) -> bool:
    return True


def _outbox(user: Any) -> bool:
    return policy.may_administer(user) and mail.outbox_available()


# (endpoint, label (translated when shown), who sees it: the same policy question the area's gate asks);
# the order is the order on screen.
NAV: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("main.home", N_("Home"), _everyone),
    ("reports.my_reports", N_("My reports"), policy.is_party_user),
    ("partner.priorities", N_("Our priority actions"), policy.may_see_own_priorities),
    ("review.queue", N_("Review queue"), policy.is_commission),
    ("rounds.index", N_("Rounds"), policy.may_manage_rounds),
    ("progress.map", N_("Progress map"), policy.may_see_map),
    ("editions.index", N_("Consolidated report"), policy.is_commission),
    ("priorities.index", N_("Priority actions"), policy.may_manage_priorities),
    ("audit.index", N_("Audit trail"), policy.may_see_audit),
    ("admin.users", N_("Accounts"), policy.may_administer),
    ("plans.index", N_("Plan catalogue"), policy.may_administer),
    ("consent.index", N_("Sharing with observers"), policy.may_manage_consent),
    ("notify.index", N_("Notifications"), _everyone),
    ("account.settings", N_("My account"), _everyone),
    ("mail.outbox", N_("Outbox"), _outbox),
    ("webhooks.index", N_("Webhooks"), policy.may_administer),
)


@dataclass
class NavItem:
    label: str
    url: str
    active: bool
    badge: int = 0


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    items = []
    blueprint = (request.endpoint or "").split(".")[0]
    for endpoint, label, shown_to in NAV:
        if not shown_to(current_user):
            continue
        badge = 0
        if endpoint == "notify.index":
            # Counted with the session lookup (services/accounts/sessions.py) when the user came from it.
            badge = current_user.unread_notifications
            if badge is None:
                badge = notify.unread_count(current_user)
        # The partner blueprint holds the party's priority list and the pages of a report's work (board,
        # institutions, offline forms): only the list itself marks "Our priority actions"; the others are a
        # report's pages, under "My reports".
        section = "reports" if blueprint == "partner" and request.endpoint != "partner.priorities" else blueprint
        active = request.endpoint == endpoint or (endpoint != "main.home" and endpoint.split(".")[0] == section)
        items.append(NavItem(gettext(label), url_for(endpoint), active, badge))
    return items
