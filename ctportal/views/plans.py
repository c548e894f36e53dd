"""The plan catalogue: versions loaded, and loading a revised catalogue."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.domain.catalogue import CatalogueError
from ctportal.forms.plans import CatalogueUploadForm
from ctportal.models import db
from ctportal.services.desk import plan_versions
from ctportal.web.gates import gate_area

bp = Blueprint("plans", __name__, url_prefix="/plans")
gate_area(bp, policy.may_administer)

MAX_CATALOGUE_BYTES = 2 * 1024 * 1024


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = CatalogueUploadForm()
    if form.validate_on_submit():
        upload = form.catalogue.data
        raw = upload.read(MAX_CATALOGUE_BYTES + 1)
        if len(raw) > MAX_CATALOGUE_BYTES:
            form.catalogue.errors.append(_("The file is larger than 2 MB; a catalogue is far smaller."))
        else:
            name = Path(upload.filename or "catalogue.yaml").name
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "catalogue.yaml"
                path.write_bytes(raw)
                try:
                    version = plan_versions.load_uploaded(path, name, current_user)
                except CatalogueError as exc:
                    db.session.rollback()
                    where = _("line %(line)s: ", line=exc.line) if exc.line else ""
                    form.catalogue.errors.append(f"{name}, {where}{exc.problem}")
                except plan_versions.PlanUploadError as exc:
                    db.session.rollback()
                    form.catalogue.errors.append(f"{name}, {exc}")
                else:
                    db.session.commit()
                    flash(_("Plan version “%(code)s” is loaded. Rounds already opened keep their version; "
                            "new rounds can use this one.", code=version.code), "success")
                    return redirect(url_for("plans.index"))
    return render_template("plans/index.html", form=form, versions=plan_versions.versions())
