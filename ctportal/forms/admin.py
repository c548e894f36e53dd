"""Administration of accounts and parties."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ctportal.forms import options
from ctportal.models import Party, Role, db
from ctportal.domain.parties import local_name

NOT_A_ROLE = _l("Choose one of the roles in the list.")
NOT_A_PARTY = _l("Choose one of the parties in the list, or none.")


def _party_choices() -> list[tuple[str, str]]:
    parties = db.session.scalars(sa.select(Party).order_by(Party.sort_order))
    return [("", _("— none (Commission, secretariat, admin) —"))] + [(p.code, local_name(p)) for p in parties]


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, r.title) for r in Role]


class RolePartyMixin:
    """Role and party chosen from lists; a value not in the list is refused with a clear message."""

    role: SelectField
    party: SelectField

    def _fill_choices(self) -> None:
        self.role.choices = options(_role_choices())
        self.party.choices = options(_party_choices())

    def chosen_role(self) -> Role:
        return Role(self.role.data)

    def chosen_party(self) -> Party | None:
        code = self.party.data or ""
        return db.session.scalar(sa.select(Party).where(Party.code == code)) if code else None


class InviteUserForm(RolePartyMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(message=_l("Enter the person's name.")),
                                                    Length(max=200)])
    email = EmailField(_l("Email address"), validators=[
        DataRequired(message=_l("Enter the email address.")), Email(message=_l("Enter a valid email address.")),
        Length(max=254)])
    role = SelectField(_l("Role"), validate_choice=True)
    party = SelectField(_l("Party"), validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill_choices()
        self.role.pre_validate = _pre_validate(self.role, NOT_A_ROLE)
        self.party.pre_validate = _pre_validate(self.party, NOT_A_PARTY)


class EditUserForm(RolePartyMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(message=_l("Enter the person's name.")),
                                                    Length(max=200)])
    role = SelectField(_l("Role"), validate_choice=True)
    party = SelectField(_l("Party"), validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill_choices()
        self.role.pre_validate = _pre_validate(self.role, NOT_A_ROLE)
        self.party.pre_validate = _pre_validate(self.party, NOT_A_PARTY)


def _pre_validate(field, message):
    def check(form):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)
    return check


class UserFilterForm(FlaskForm):
    """The filters of the accounts list (GET, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or email contains"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[Optional()])
    party = SelectField(_l("Party"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = options([("", _("Any role"))] + _role_choices())
        self.party.choices = options([("", _("Any party"))] + _party_choices()[1:])
        self.status.choices = options([("", _("Any")), ("active", _("Active")), ("inactive", _("Deactivated")),
                                       ("locked", _("Locked")), ("invited", _("Invited, password not set"))])


class PartyTwoFactorForm(FlaskForm):
    require_2fa = BooleanField(_l("Require two-step sign-in for this party's users"))
