"""Webhooks: targets told of approvals and compiled editions, and the log of every delivery."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, enum_column, utcnow


class DeliveryState(enum.Enum):
    pending = "pending"       # queued, or waiting for its next try
    delivered = "delivered"   # the target answered 2xx
    failed = "failed"         # every try failed

    @property
    def title(self) -> str:
        return self.value.capitalize()


class Webhook(Model):
    __tablename__ = "webhook"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    description: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    # The HMAC key: kept as is, since the portal signs with it (shown once to the admin who makes it).
    secret: so.Mapped[str] = so.mapped_column(sa.String(100))
    # Space-separated event names (webhooks.EVENTS).
    events: so.Mapped[str] = so.mapped_column(sa.String(200))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))

    @property
    def event_list(self) -> list[str]:
        return self.events.split()


class WebhookDelivery(Model):
    __tablename__ = "webhook_delivery"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    webhook_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("webhook.id"), index=True)
    event: so.Mapped[str] = so.mapped_column(sa.String(40))
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    state: so.Mapped[DeliveryState] = enum_column(DeliveryState, default=DeliveryState.pending)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    last_attempt_at: so.Mapped[dt.datetime | None]
    next_attempt_at: so.Mapped[dt.datetime | None]
    last_status: so.Mapped[int | None]
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    delivered_at: so.Mapped[dt.datetime | None]

    webhook: so.Mapped[Webhook] = so.relationship()
