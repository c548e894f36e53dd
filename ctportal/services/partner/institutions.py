"""A partner's list of institutions: added, renamed and retired by its coordinator."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ctportal.domain.errors import DomainError
from ctportal.models import Institution, User, db
from ctportal.services import audit
from ctportal.services.reporting.entries import check_characters

NAME_LIMIT = 200


class InstitutionRefused(DomainError):
    status = 422


def institutions_of(party_id: int, *, active_only: bool = False) -> list[Institution]:
    query = sa.select(Institution).where(Institution.party_id == party_id)
    if active_only:
        query = query.where(Institution.active.is_(True))
    return list(db.session.scalars(query.order_by(Institution.active.desc(), Institution.name)))


def _clean_name(party_id: int, name: str, *, keep: Institution | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InstitutionRefused(_("Name: enter the institution's name."), field="name")
    if len(name) > NAME_LIMIT:
        raise InstitutionRefused(_("Name: at most %(limit)s characters are accepted.", limit=NAME_LIMIT),
                                 field="name")
    if check_characters(name):
        raise InstitutionRefused(_("Name: the name contains an invisible control character; retype it."),
                                 field="name")
    clash = db.session.scalar(sa.select(Institution).where(
        Institution.party_id == party_id, sa.func.lower(Institution.name) == name.lower()))
    if clash is not None and clash is not keep:
        raise InstitutionRefused(_("Name: “%(name)s” is already in the list.", name=clash.name), field="name")
    return name


def add(user: User, name: str) -> Institution:
    assert user.party_id is not None  # policy.may_manage_institutions: a party's coordinator
    institution = Institution(party_id=user.party_id, name=_clean_name(user.party_id, name), active=True)
    db.session.add(institution)
    db.session.flush()
    # Ids, not names: the list is the party's own, and the secretariat reads the trail (docs/reporting.md).
    audit.record("institution.added", institution, actor=user, party_id=user.party_id)
    return institution


def change(institution: Institution, user: User, name: str, active: bool) -> Institution:
    """Rename, retire (kept on the entries already assigned to it, offered for no new one) or bring back."""
    institution.name = _clean_name(institution.party_id, name, keep=institution)
    institution.active = active
    db.session.flush()
    audit.record("institution.changed", institution, actor=user, party_id=institution.party_id, active=active)
    return institution
