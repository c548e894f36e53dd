"""The public verification page (issue 16, item 4): anyone holding the portal's address drops a
PDF and learns whether it is one of the portal's editions, which, whether it is still current and
whether it is as sealed. No sign-in; CSRF-protected; size-limited; rate-limited per address as
sign-in is. It tells the edition's title, number, date and kind, never its content."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ctportal.forms.verify import VerifyForm
from ctportal.models import db
from ctportal.services import audit
from ctportal.services.editions import seal
from ctportal.web.extensions import limiter

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def index():
    form = VerifyForm()
    verdict = None
    status = 200
    if form.validate_on_submit():
        limit = int(current_app.config["VERIFY_MAX_MB"]) * 1024 * 1024
        data = form.file.data.read(limit + 1)
        try:
            if len(data) > limit:
                raise seal.NotAPdf(seal.too_large(current_app.config["VERIFY_MAX_MB"]), field="file")
            verdict = seal.verify(data)
        except seal.NotAPdf as exc:
            form.file.errors = [exc.message]
            status = 400
        else:
            if verdict.edition is not None:
                audit.record("edition.verified", verdict.edition, outcome=verdict.outcome)
            db.session.commit()
    elif form.is_submitted():
        status = 400
    return render_template("verify/index.html", form=form, verdict=verdict), status
