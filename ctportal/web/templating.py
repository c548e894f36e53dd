"""Jinja filters and globals shared by screens and PDFs."""
from __future__ import annotations

import datetime as dt

from flask import Flask, g, has_request_context
from markupsafe import Markup, escape
from flask_babel import gettext, ngettext
from flask_login import current_user

from ctportal import policy
from ctportal.domain import entry_fields, formatting, indicators, languages, parties, stored_text as stored
from ctportal.forms import ActionForm, choice_label
from ctportal.models import EntryStatus, ReportState
from ctportal.pages.reports import local_plan
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.plan_cache import action_of
from ctportal.web.i18n import current_babel_locale


def days_until(value: dt.date | None, today: dt.date | None = None) -> str:
    if value is None:
        return ""
    today = today or dt.date.today()
    delta = (value - today).days
    if delta == 0:
        return gettext("due today")
    if delta > 0:
        return ngettext("in %(num)d day", "in %(num)d days", delta)
    return ngettext("%(num)d day overdue", "%(num)d days overdue", -delta)


def local_date(value: dt.date | dt.datetime | None) -> str:
    return formatting.long_date(value, current_babel_locale())


def local_datetime(value: dt.datetime | None) -> str:
    return formatting.long_datetime(value, current_babel_locale())


def local_number(value: int | float | None) -> str:
    return formatting.number(value, current_babel_locale())


def rows_count(rows: entry_fields.RowsField, count: int) -> str:
    """"2 measures", "1 legal act": a section page's short answer, one whole phrase per rows field."""
    if rows.name == "legal_acts":
        return ngettext("%(num)d legal act", "%(num)d legal acts", count)
    return ngettext("%(num)d measure", "%(num)d measures", count)


def entry_status_title(value: str | None) -> str:
    """A snapshot's status value ("in_progress", or None) named in the page's language."""
    try:
        return EntryStatus(value).title
    except ValueError:
        return gettext("Not chosen yet")


def stored_text(text: str | None) -> Markup:
    """A text the portal stored in English (domain/stored_text.py) in the reader's language: its message
    translated with its parameters; a party's English name in the reader's language. A text no known
    message made is shown as stored, marked as English for screen readers."""
    if not text:
        return Markup("")
    found = stored.parse(text)
    if found is None:
        return Markup('<span lang="en">{}</span>').format(text)
    params = dict(found.params)
    if "party" in params:
        from ctportal.models import Party, db
        names = {parties.display_name(p): parties.local_name(p) for p in db.session.scalars(db.select(Party))}
        params["party"] = names.get(params["party"], params["party"])
    out = gettext(found.message, **params)
    if found.reason is not None:
        out = f"{out} {gettext(stored.REASON, reason=found.reason)}"
    return escape(out)


def unique_id(prefix: str) -> str:
    """An id unique within the page being rendered (a table's caption named by its scrolling box)."""
    if not has_request_context():
        return prefix
    count = g.get("_unique_ids", 0) + 1
    g._unique_ids = count
    return f"{prefix}-{count}"


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["party_name"] = parties.local_name
    # Screens and mail in the reader's language; the PDFs have their own environment (pdf/html.py), in English.
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["number"] = local_number
    app.jinja_env.filters["days_until"] = days_until
    app.jinja_env.filters["stored_text"] = stored_text
    app.jinja_env.globals["policy"] = policy
    app.jinja_env.globals["unique_id"] = unique_id
    app.jinja_env.globals["entry_fields"] = entry_fields
    app.jinja_env.globals["indicators"] = indicators
    app.jinja_env.globals["languages"] = languages
    app.jinja_env.globals["rows_count"] = rows_count
    app.jinja_env.globals["entry_status_title"] = entry_status_title
    app.jinja_env.globals["choice_label"] = choice_label
    app.jinja_env.globals["Permission"] = policy.Permission
    app.jinja_env.globals["ReportState"] = ReportState
    # An entry's action as plain data from the process's plan catalogue (no query per entry).
    app.jinja_env.globals["plan_of"] = action_of
    app.jinja_env.globals["local_plan"] = local_plan
    app.jinja_env.globals["KOSOVO_FOOTNOTE"] = parties.KOSOVO_FOOTNOTE
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from ctportal.web.navigation import nav_items
    app.jinja_env.globals["nav_items"] = nav_items
    # A snapshot's follow-up status value, named in the page's language.
    app.jinja_env.globals["follow_up_status"] = follow_ups.status_title

    @app.context_processor
    def _globals():
        from ctportal.infra import markdown
        return {
            "site_name": app.config["SITE_NAME"],
            # Email bodies render outside a request: they have no forms.
            "action_form": ActionForm(formdata=None) if has_request_context() else None,
            "current_user": current_user,
            "render_markdown": markdown.render,
        }

