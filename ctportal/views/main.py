"""The home page: each user's own work."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ctportal.pages import home as dashboard
from ctportal.services.editions import factcheck

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.get("/home")
@login_required
def home():
    return render_template("main/home.html", work=dashboard.work_for(current_user),
                           factchecks=factcheck.open_for(current_user))
