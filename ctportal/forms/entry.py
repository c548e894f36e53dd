"""The form of one entry, built per call from what the catalogue and the entry need.

A fresh class is made each time (`type("EntryForm", (FlaskForm,), {...})`): the number of
measure and legal-act rows differs from entry to entry and from request to request, and a
shared class mutated in place would leak one request's rows into another's.
"""
from __future__ import annotations

from typing import Any, Optional

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ctportal.models import Entry, EntryStatus
from ctportal.services.reporting import entries as svc

EMPTY_ROWS = 1  # blank rows offered below the filled ones, without JavaScript

STATUS_HINTS = {
    "not_applicable": "If you choose “Not applicable”, explain why below.",
}


def _text_check(name: str):
    def check(form, field):
        error = svc.check_text(name, field.data or "")
        if error:
            raise ValidationError(error)
    return check


def _date_check(form, field):
    error = svc.check_date(field.data)
    if error:
        raise ValidationError(error)


def _status_check(form, field):
    try:
        svc.parse_status(field.data)
    except ValueError:
        raise ValidationError("choose one of the listed statuses.") from None


class _DateField(DateField):
    """A date that says clearly what is wrong with it."""

    def process_formdata(self, valuelist):
        if valuelist and not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("enter a date as YYYY-MM-DD (for example 2026-03-31).") from None


def _measure_row_class() -> type[Form]:
    return type("MeasureRowForm", (Form,), {
        "description": TextAreaField("Measure taken", render_kw={"rows": 2}),
        "taken_on": _DateField("Date", validators=[_date_check], format="%Y-%m-%d", render_kw={"type": "date"}),
        "remove": BooleanField("Remove this row"),
    })


def _legal_act_row_class() -> type[Form]:
    return type("LegalActRowForm", (Form,), {
        "title": StringField("Title of the act"),
        "adopted_on": _DateField("Date of adoption", validators=[_date_check], format="%Y-%m-%d",
                                 render_kw={"type": "date"}),
        "gazette_reference": StringField("Official gazette reference"),
        "remove": BooleanField("Remove this row"),
    })


def entry_form_class(measure_rows: int, legal_act_rows: int) -> type[FlaskForm]:
    """A new form class with at least this many rows of measures and of legal acts."""
    labels = svc.TEXT_LABELS
    attrs: dict[str, Any] = {
        "version": HiddenField(),
        "status": SelectField(
            "Implementation status", validate_choice=False, validators=[_status_check],
            choices=[SelectChoice("", "— not chosen yet —")] + [SelectChoice(s.value, s.title) for s in EntryStatus]),
        "narrative": TextAreaField(labels["narrative"], validators=[_text_check("narrative")],
                                   render_kw={"rows": 8, "data-markdown": "1"}),
        "na_justification": TextAreaField(labels["na_justification"], validators=[_text_check("na_justification")],
                                          render_kw={"rows": 3}),
        "challenges": TextAreaField(labels["challenges"], validators=[_text_check("challenges")],
                                    render_kw={"rows": 4}),
        "eu_support_needed": TextAreaField(labels["eu_support_needed"],
                                           validators=[_text_check("eu_support_needed")], render_kw={"rows": 3}),
        "next_steps": TextAreaField(labels["next_steps"], validators=[_text_check("next_steps")],
                                    render_kw={"rows": 4}),
        "next_steps_timeline": StringField(labels["next_steps_timeline"],
                                           validators=[_text_check("next_steps_timeline")]),
        "responsible_institutions": TextAreaField(labels["responsible_institutions"],
                                                  validators=[_text_check("responsible_institutions")],
                                                  render_kw={"rows": 2}),
        "measures": FieldList(FormField(_measure_row_class()), label="Measures taken",
                              min_entries=measure_rows, max_entries=svc.MAX_ROWS + 10),
        "legal_acts": FieldList(FormField(_legal_act_row_class()), label="Legal acts adopted",
                                min_entries=legal_act_rows, max_entries=svc.MAX_ROWS + 10),
        "save": SubmitField("Save"),
        "save_next": SubmitField("Save and go to the next action"),
        "preview": SubmitField("Preview the narrative"),
        "add_measure": SubmitField("Add another measure"),
        "add_legal_act": SubmitField("Add another legal act"),
    }
    return type("EntryForm", (FlaskForm,), attrs)


def build_entry_form(entry: Entry, *, formdata: Any = None, data: Optional[svc.EntryData] = None,
                     version: Optional[int] = None) -> FlaskForm:
    """The form for `entry`: from the request (formdata), or filled from `data` / the entry itself."""
    data = data or svc.EntryData.of(entry)
    cls = entry_form_class(len(data.measures) + EMPTY_ROWS, len(data.legal_acts) + EMPTY_ROWS)
    if formdata is not None:
        form = cls(formdata=formdata)
    else:
        form = cls(formdata=None, data={
            "version": str(entry.version if version is None else version),
            "status": data.status.value if data.status else "",
            **data.texts(),
            "measures": [{"description": m.description, "taken_on": m.taken_on} for m in data.measures],
            "legal_acts": [{"title": a.title, "adopted_on": a.adopted_on, "gazette_reference": a.gazette_reference}
                           for a in data.legal_acts],
        })
    return form


def form_to_data(form: FlaskForm) -> svc.EntryData:
    """What the form says, as the service's EntryData (rows marked "remove" are left out)."""
    try:
        status = svc.parse_status(form.status.data)
    except ValueError:
        status = None
    return svc.EntryData(
        status=status,
        **{name: (getattr(form, name).data or "").replace("\r\n", "\n") for name, *_ in svc.TEXT_FIELDS},
        measures=[svc.MeasureRow((row.form.description.data or "").replace("\r\n", "\n"), row.form.taken_on.data)
                  for row in form.measures if not row.form.remove.data],
        legal_acts=[svc.LegalActRow(row.form.title.data or "", row.form.adopted_on.data,
                                    row.form.gazette_reference.data or "")
                    for row in form.legal_acts if not row.form.remove.data],
    )


def expected_version(form: FlaskForm) -> Optional[int]:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def error_list(form: FlaskForm) -> list[tuple[str, str]]:
    """Every error as (field id, message naming the field and its row), in the form's order."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for i, row in enumerate(field.entries):
                for sub in row.form:
                    for error in sub.errors:
                        found.append((sub.id, f"{field.label.text}, row {i + 1}, {sub.label.text.lower()}: {error}"))
            continue
        for error in field.errors:
            if field.name == "csrf_token":
                found.append(("", "The form had expired. Send it again."))
            else:
                found.append((field.id, f"{field.label.text}: {error}"))
    return found


class SubmitReportForm(FlaskForm):
    """Submitting a report: carries the state version the page was opened on."""

    state_version = HiddenField()
    submit = SubmitField("Submit the report for review")


class PreviewForm(FlaskForm):
    """The live preview asked for by reports.js (the no-JavaScript path uses the entry form's button)."""

    text = TextAreaField("Text")
