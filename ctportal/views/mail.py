"""The development outbox: every email the portal queued, for administrators.

Only where mail goes to the console (development and testing); on a production instance
the messages go out by SMTP and this page does not exist (404) — email bodies carry
one-time links, which must not be readable in the portal there.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template

from ctportal.models import OutgoingMail, db
from ctportal import policy
from ctportal.services.messaging import mail
from ctportal.web.gates import gate_area

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")
gate_area(bp, policy.may_administer)

PAGE_SIZE = 100


@bp.get("")
def outbox():
    if not mail.outbox_available():
        abort(404)
    messages = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(PAGE_SIZE)).all()
    return render_template("mail/outbox.html", messages=messages, page_size=PAGE_SIZE)
