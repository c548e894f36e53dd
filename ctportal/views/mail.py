"""The development outbox: every email the portal queued, for administrators.

Only where mail goes to the console (development and testing); on a production instance
the messages go out by SMTP and this page does not exist (404) — email bodies carry
one-time links, which must not be readable in the portal there.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template

from ctportal.models import OutgoingMail, db
from ctportal.views.admin import admin_required

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")

PAGE_SIZE = 100


def outbox_available() -> bool:
    return current_app.config["ENV"] != "production" and current_app.config["MAIL_BACKEND"] == "console"


@bp.get("")
@admin_required
def outbox():
    if not outbox_available():
        abort(404)
    messages = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(PAGE_SIZE)).all()
    return render_template("mail/outbox.html", messages=messages, page_size=PAGE_SIZE)
