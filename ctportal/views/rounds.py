"""The secretariat's rounds: prepare, open, change, close; extend a deadline; who is late."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms stubs lack SelectChoice

from ctportal import policy
from ctportal.forms import options
from ctportal.forms.rounds import ExtensionForm, RoundForm
from ctportal.models import Party, PlanVersion, Report, Round, RoundState, db
from ctportal.domain.parties import local_name
from ctportal.policy import Permission
from ctportal.services.desk import reminders
from ctportal.services.desk import rounds as rounds_service
from ctportal.services.desk.plan_versions import latest_version
from ctportal.views.errors import on_form, refused_to
from ctportal.web.gates import requires
from ctportal.web.templating import local_date

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


def _round_for_desk(round_id: int) -> Round:
    return policy.get_round_or_404(round_id, permission=Permission.MANAGE_ROUNDS)


def _version_choices(form: RoundForm) -> None:
    form.plan_version_id.choices = options(
        (v.id, f"{v.code} — {v.title}") for v in db.session.scalars(
            sa.select(PlanVersion).order_by(PlanVersion.loaded_at.desc(), PlanVersion.id.desc())))


def _values(form: RoundForm) -> dict:
    return {name: (getattr(form, name).data.strip() if isinstance(getattr(form, name).data, str)
                   else getattr(form, name).data) for name in rounds_service.ROUND_FIELDS}


@bp.get("/")
@login_required
@requires(policy.may_manage_rounds)
def index():
    all_rounds = db.session.scalars(sa.select(Round).order_by(Round.created_at.desc(), Round.id.desc())).all()
    return render_template("rounds/index.html", rounds=all_rounds)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@requires(policy.may_manage_rounds)
def new():
    form = RoundForm()
    _version_choices(form)
    if not form.is_submitted():
        latest = latest_version()
        form.plan_version_id.data = latest.id if latest else None
    if form.validate_on_submit():
        rnd = rounds_service.create_round(current_user, plan_version_id=form.plan_version_id.data, **_values(form))
        db.session.commit()
        flash(_("The round “%(title)s” is prepared. Parties see it once you open it.", title=rnd.title), "success")
        return redirect(url_for("rounds.status", round_id=rnd.id))
    return render_template("rounds/form.html", form=form, rnd=None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit(round_id: int):
    rnd = _round_for_desk(round_id)
    if rnd.state == RoundState.closed:
        abort(403)
    form = RoundForm(obj=rnd)
    _version_choices(form)
    if rnd.state != RoundState.draft:
        # Reports exist on the round's version: offer only that one.
        form.plan_version_id.choices = options([(rnd.plan_version_id,
                                                 f"{rnd.plan_version.code} — {rnd.plan_version.title}")])
    if form.validate_on_submit():
        try:
            changed = rounds_service.update_round(rnd, current_user, plan_version_id=form.plan_version_id.data,
                                                  **_values(form))
        except rounds_service.RoundError as exc:
            on_form(form, exc, "plan_version_id")
        else:
            db.session.commit()
            flash(_("The round is saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("rounds.status", round_id=rnd.id))
    return render_template("rounds/form.html", form=form, rnd=rnd)


@bp.post("/<int:round_id>/open")
@login_required
def open_(round_id: int):
    rnd = _round_for_desk(round_id)
    with refused_to(url_for("rounds.status", round_id=rnd.id)):
        reports = rounds_service.open_round(rnd, current_user)
    db.session.commit()
    flash(ngettext("The round is open: %(num)d report was created for the parties.",
                   "The round is open: %(num)d reports were created for the parties.", len(reports)), "success")
    return redirect(url_for("rounds.status", round_id=rnd.id))


@bp.post("/<int:round_id>/close")
@login_required
def close(round_id: int):
    rnd = _round_for_desk(round_id)
    with refused_to(url_for("rounds.status", round_id=rnd.id)):
        rounds_service.close_round(rnd, current_user)
    db.session.commit()
    flash(_("The round is closed. It is now read-only for everyone."), "success")
    return redirect(url_for("rounds.status", round_id=rnd.id))


def _parties_by_id() -> dict[int, Party]:
    return {p.id: p for p in db.session.scalars(sa.select(Party))}


def _party_choices(rnd: Round) -> list[SelectChoice]:
    parties = db.session.scalars(sa.select(Party).order_by(Party.sort_order)).all()
    return options((p.id, _("%(party)s (now due %(date)s)", party=local_name(p),
                                  date=rounds_service.deadline_for(rnd, p.id).isoformat()))
                   for p in parties)


@bp.route("/<int:round_id>/extend", methods=["GET", "POST"])
@login_required
def extend(round_id: int):
    rnd = _round_for_desk(round_id)
    if rnd.state == RoundState.closed:
        abort(403)
    form = ExtensionForm()
    form.party_id.choices = _party_choices(rnd)
    if form.validate_on_submit():
        assert form.new_deadline.data is not None and form.reason.data is not None  # required fields passed
        try:
            ext = rounds_service.extend_deadline(rnd, form.party_id.data, form.new_deadline.data,
                                                 form.reason.data, current_user)
        except rounds_service.RoundError as exc:
            on_form(form, exc, "new_deadline")
        else:
            db.session.commit()
            party = db.session.get(Party, ext.party_id)
            flash(_("The deadline of %(party)s is now %(date)s.", party=local_name(party),
                    date=local_date(ext.new_deadline)), "success")
            return redirect(url_for("rounds.status", round_id=rnd.id))
    return render_template("rounds/extend.html", form=form, rnd=rnd, parties_by_id=_parties_by_id())


@bp.get("/<int:round_id>")
@login_required
def status(round_id: int):
    rnd = _round_for_desk(round_id)
    lines = rounds_service.status_board(rnd)
    return render_template("rounds/status.html", rnd=rnd, lines=lines, parties_by_id=_parties_by_id())


@bp.post("/<int:round_id>/reports/<int:report_id>/remind")
@login_required
def remind(round_id: int, report_id: int):
    rnd = _round_for_desk(round_id)
    report = db.session.scalar(sa.select(Report).where(Report.id == report_id, Report.round_id == rnd.id))
    if report is None:
        abort(404)
    with refused_to(url_for("rounds.status", round_id=rnd.id)):
        count = reminders.remind_now(report, current_user)
    db.session.commit()
    party = local_name(report.party)
    flash(ngettext("A reminder went to %(num)d reporter of %(party)s.",
                   "A reminder went to %(num)d reporters of %(party)s.", count, party=party)
          if count else _("%(party)s has no active reporter to remind.", party=party),
          "success" if count else "warning")
    return redirect(url_for("rounds.status", round_id=rnd.id))
