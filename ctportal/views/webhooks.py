"""Webhooks for administrators: make one (its signing key shown once), deactivate it, read its delivery log."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ctportal import policy
from ctportal.forms.webhooks import WebhookForm
from ctportal.models import Webhook, db
from ctportal.services.messaging import webhooks
from ctportal.web.gates import requires
from ctportal.views.auth import _me

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


def _index(form: WebhookForm | None = None):
    return render_template("webhooks/index.html", form=form or WebhookForm(formdata=None), hooks=webhooks.webhooks(),
                           allowed=sorted(webhooks.allowed_hosts()), events=webhooks.EVENTS)


def _hook_or_404(hook_id: int) -> Webhook:
    hook = db.session.get(Webhook, hook_id)
    if hook is None:
        abort(404)
    return hook


@bp.get("/")
@requires(policy.may_administer)
def index():
    return _index()


@bp.post("/")
@requires(policy.may_administer)
def create():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            hook, secret = webhooks.create(form.url.data, form.events.data, form.description.data, _me())
        except webhooks.WebhookError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            return render_template("webhooks/created.html", hook=hook, secret=secret)
    return _index(form)


@bp.get("/<int:hook_id>")
@requires(policy.may_administer)
def deliveries(hook_id: int):
    hook = _hook_or_404(hook_id)
    return render_template("webhooks/deliveries.html", hook=hook, deliveries=webhooks.deliveries(hook))


@bp.post("/<int:hook_id>/deactivate")
@requires(policy.may_administer)
def deactivate(hook_id: int):
    hook = _hook_or_404(hook_id)
    if hook.active:
        webhooks.deactivate(hook, _me())
        db.session.commit()
        flash(_("The webhook to %(url)s is deactivated: it receives nothing more.", url=hook.url), "success")
    return redirect(url_for("webhooks.index"))


