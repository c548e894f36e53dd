"""Test helpers: accounts for every role and party, signing in through the real forms."""
from __future__ import annotations

from dataclasses import dataclass

import pyotp
import sqlalchemy as sa

from ctportal import policy
from ctportal.models import Party, Role, User, db
from ctportal.services.accounts.signin import enable_totp
from ctportal.services.accounts.users import create_user

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# key -> (role, party code)
ACCOUNTS = {
    "admin": (Role.admin, None),
    "secretariat": (Role.secretariat, None),
    "reviewer": (Role.reviewer, None),
    "reviewer2": (Role.reviewer, None),
    "coordinator_al": (Role.coordinator, "AL"),
    "contributor_al": (Role.contributor, "AL"),
    "coordinator_rs": (Role.coordinator, "RS"),
    "contributor_rs": (Role.contributor, "RS"),
    "coordinator_xk": (Role.coordinator, "XK"),
    "reporter_ec": (Role.eu_reporter, "EC"),
    "reporter_europol": (Role.eu_reporter, "EUROPOL"),
    "observer": (Role.observer, None),
}


@dataclass
class Users:
    by_key: dict[str, User]

    def __getattr__(self, key: str) -> User:
        try:
            return self.__dict__["by_key"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> User:
        return self.by_key[key]


def make_users() -> Users:
    parties = {p.code: p for p in db.session.scalars(sa.select(Party))}
    made = {}
    for key, (role, code) in ACCOUNTS.items():
        user = create_user(f"{key.replace('_', '.')}@example.eu", key.replace("_", " ").title(), role,
                           parties[code] if code else None, PASSWORD)
        if policy.needs_second_factor(user):
            enable_totp(user, TOTP_SECRET)
        made[key] = user
    db.session.commit()
    return Users(made)


def totp_now() -> str:
    return pyotp.TOTP(TOTP_SECRET).now()


class AuthActions:
    """Sign in and out through the real pages, as a browser would."""

    def __init__(self, client, users: Users) -> None:
        self.client = client
        self.users = users

    def login(self, key_or_user, password: str = PASSWORD, *, second_factor: bool = True):
        user = self.users[key_or_user] if isinstance(key_or_user, str) else key_or_user
        response = self.client.post("/login", data={"email": user.email, "password": password})
        if second_factor and user.totp_enabled:
            # Each test signs in many times within one 30-second step; a real user cannot.
            db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=0))
            db.session.commit()
            response = self.client.post("/login/second-factor", data={"code": totp_now()})
        return response

    def logout(self):
        return self.client.post("/logout")


def browser_login(page, user, password: str = PASSWORD) -> None:
    """Sign in through the login page in a Playwright page, with the second step if needed."""
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if user.totp_enabled:
        db.session.commit()  # end any read snapshot first, so the write below waits its turn
        db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=0))
        db.session.commit()
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(totp_now())
        page.get_by_role("button", name="Continue").click()


# --- accounts (issue 3) -----------------------------------------------------------------------------

def audit_actions(obj=None) -> list[str]:
    """The audit trail's actions, oldest first (only those about `obj` when given)."""
    from ctportal.models import AuditEvent
    query = sa.select(AuditEvent.action).order_by(AuditEvent.id)
    if obj is not None:
        query = query.where(AuditEvent.object_type == type(obj).__name__.lower(), AuditEvent.object_id == obj.id)
    return list(db.session.scalars(query))


def last_mail_link(recipient: str) -> str:
    """The path of the one-time link in the newest email to `recipient` (from the outbox table)."""
    import re
    from urllib.parse import urlsplit

    from ctportal.models import OutgoingMail
    body = db.session.scalar(sa.select(OutgoingMail.body).where(OutgoingMail.recipient == recipient)
                             .order_by(OutgoingMail.id.desc()).limit(1))
    assert body, f"no email to {recipient}"
    return urlsplit(re.search(r"https?://\S+", body).group(0)).path


def csrf_token_from(html: bytes | str) -> str:
    """The first CSRF token in a page (the forms render it as a hidden field)."""
    import re
    text = html.decode() if isinstance(html, bytes) else html
    return re.search(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"', text).group(1)


def confirmation_form(client, path: str) -> dict[str, str]:
    """The hidden fields of a confirmation page (submit, approve: issue 13), as its form posts them."""
    import re
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    text = page.get_data(as_text=True)
    fields = {}
    for name in ("state_version", "confirmed"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', text)
        if match:
            fields[name] = match.group(1)
    assert "confirmed" in fields, f"{path} offers no confirmation"
    return fields
