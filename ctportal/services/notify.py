"""Notifications: in the portal and by email (filled in by the review issue)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ctportal.models import Notification, db


def report_transitioned(report: Any, event: Any) -> None:
    """Tell the people concerned that a report changed state."""
    return None


def unread_count(user: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
