"""An unknown account and a wrong password take about the same time (with the real argon2 cost)."""
from __future__ import annotations

import statistics
import time

import pytest
from argon2 import PasswordHasher

from ctportal.models import db
from ctportal.services.accounts import passwords
from ctportal.services.accounts.signin import authenticate


@pytest.fixture
def app_config():
    return {"LOCKOUT_THRESHOLD": 10_000}


@pytest.fixture
def production_hashing(monkeypatch):
    hasher = PasswordHasher()  # the parameters production uses
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("dummy"))
    return hasher


def _timed(email: str, password: str) -> float:
    start = time.perf_counter()
    assert authenticate(email, password) is None
    db.session.commit()
    return time.perf_counter() - start


def test_unknown_account_and_wrong_password_take_about_as_long(app, users, production_hashing):
    users.coordinator_al.password_hash = production_hashing.hash("the real password of this user")
    db.session.commit()
    unknown, wrong = [], []
    for i in range(9):  # interleaved, so load on the machine hits both alike
        unknown.append(_timed(f"nobody{i}@example.eu", "a wrong password"))
        wrong.append(_timed(users.coordinator_al.email, "a wrong password"))
    ratio = statistics.median(wrong) / statistics.median(unknown)
    # Without the dummy verification the unknown account would answer ~100x faster; 2x is noise.
    assert 0.5 < ratio < 2.0, (statistics.median(unknown), statistics.median(wrong))
    assert statistics.median(unknown) > 0.01  # argon2 really ran for the unknown account
