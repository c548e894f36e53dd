"""Uploaded supporting documents."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.accounts import User
from ctportal.models.base import Model, enum_column, utcnow


class Sensitivity(enum.Enum):
    """The marking of a document. The portal is not accredited for EU classified information
    (docs/security.md, "Markings"): it holds LIMITE and public documents only."""

    public = "public"
    limite = "limite"                # the plan's own marking: not for public release
    # RESTREINT UE / EU RESTRICTED: classified, never accepted. Kept only so that rows marked so by
    # an earlier version still load; such a document is withheld (`held` is False).
    restricted = "restricted"

    @property
    def title(self) -> str:
        return {"public": "Public", "limite": "LIMITE", "restricted": "RESTRICTED"}[self.value]

    @property
    def held(self) -> bool:
        """Whether the portal may hold (accept, store, hand out) a document with this marking."""
        return self is not Sensitivity.restricted

    @classmethod
    def offered(cls) -> list[Sensitivity]:
        """The markings a form offers: those the portal may hold."""
        return [s for s in cls if s.held]


class Document(Model):
    __tablename__ = "document"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    entry_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("entry.id"), index=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    # Server-made file name under the storage folder; never derived from user input.
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    sensitivity: so.Mapped[Sensitivity] = enum_column(Sensitivity, default=Sensitivity.limite)
    title: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    # Replacing a document keeps the old one: the new row points at the one it replaces.
    replaces_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("document.id"))
    replaced_at: so.Mapped[dt.datetime | None]
    deleted_at: so.Mapped[dt.datetime | None]
    deleted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    # The partner's own file (an offline form an institution filled in, issue 18): seen only inside the
    # party, never frozen into a revision (services/reporting/documents.current_documents).
    partner_internal: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    uploaded_by: so.Mapped[User] = so.relationship(foreign_keys=[uploaded_by_id])

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None and self.deleted_at is None


class RevisionDocument(Model):
    """The documents frozen into a revision: these can no longer be deleted."""

    __tablename__ = "revision_document"

    revision_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("revision.id"), primary_key=True)
    document_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document.id"), primary_key=True)
