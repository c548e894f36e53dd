"""The in-portal notifications list."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ctportal.models import Notification, db, utcnow
from ctportal.services.messaging import notify
from ctportal.web.safe_urls import safe_next

bp = Blueprint("notify", __name__, url_prefix="/notifications")
PER_PAGE = 50


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)  # a bounded OFFSET


def _back():
    """To the list, on the page the user was reading."""
    page = _page()
    return redirect(url_for("notify.index", page=page) if page > 1 else url_for("notify.index"))


@bp.get("/")
@login_required
def index():
    own = Notification.user_id == current_user.id
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(own))
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(_page(), pages)
    items = list(db.session.scalars(sa.select(Notification).where(own)
                                    .order_by(Notification.created_at.desc(), Notification.id.desc())
                                    .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return render_template("notify/index.html", items=items, unread=notify.unread_count(current_user),
                           total=total, page=page, pages=pages)


def _own(notification_id: int) -> Notification:
    item = db.session.scalar(sa.select(Notification).where(Notification.id == notification_id,
                                                          Notification.user_id == current_user.id))
    if item is None:
        abort(404)
    return item


@bp.post("/<int:notification_id>/open")
@login_required
def open_(notification_id: int):
    """Mark as read and go to what it is about (a POST: reading changes state)."""
    item = _own(notification_id)
    if item.read_at is None:
        item.read_at = utcnow()
        db.session.commit()
    return redirect(safe_next(item.link, url_for("notify.index")))


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    item = _own(notification_id)
    if item.read_at is None:
        item.read_at = utcnow()
        db.session.commit()
    return _back()


@bp.post("/read-all")
@login_required
def mark_all_read():
    db.session.execute(sa.update(Notification).where(Notification.user_id == current_user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return _back()
