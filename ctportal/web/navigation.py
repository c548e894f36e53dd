"""The main navigation, by role. Entries whose page does not exist (yet) are left out."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from ctportal.models import Role

PARTY = (Role.contributor, Role.coordinator, Role.eu_reporter)
COMMISSION = (Role.reviewer, Role.secretariat)

# (endpoint, label, roles that see it); the order is the order on screen.
NAV = (
    ("main.home", "Home", tuple(Role)),
    ("reports.my_reports", "My reports", PARTY),
    ("review.queue", "Review queue", (Role.reviewer, Role.secretariat)),
    ("rounds.index", "Rounds", (Role.secretariat,)),
    ("progress.map", "Progress map", PARTY + COMMISSION),
    ("editions.index", "Consolidated report", (Role.secretariat, Role.reviewer)),
    ("priorities.index", "Priority actions", (Role.reviewer, Role.secretariat)),
    ("audit.index", "Audit trail", (Role.secretariat, Role.admin)),
    ("admin.users", "Accounts", (Role.admin,)),
    ("plans.index", "Plan catalogue", (Role.admin,)),
    ("consent.index", "Sharing with observers", (Role.coordinator, Role.eu_reporter)),
    ("notify.index", "Notifications", tuple(Role)),
    ("account.settings", "My account", tuple(Role)),
    ("mail.outbox", "Outbox", (Role.admin,)),
    ("webhooks.index", "Webhooks", (Role.admin,)),
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
    for endpoint, label, roles in NAV:
        if current_user.role not in roles or endpoint not in current_app.view_functions:
            continue
        if endpoint == "mail.outbox":
            from ctportal.views.mail import outbox_available
            if not outbox_available():  # production sends real mail: no outbox page there
                continue
        badge = 0
        if endpoint == "notify.index":
            # Counted with the session lookup (services/accounts/sessions.py) when the user came from it.
            badge = current_user.unread_notifications
            if badge is None:
                from ctportal.services.messaging import notify
                badge = notify.unread_count(current_user)
        active = request.endpoint == endpoint or (endpoint != "main.home" and endpoint.split(".")[0] == blueprint)
        items.append(NavItem(label, url_for(endpoint), active, badge))
    return items
