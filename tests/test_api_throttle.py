"""The API's throttling: guesses per address like sign-in attempts, good requests per token."""
from __future__ import annotations

import pytest

from tests.test_api import bearer


@pytest.fixture
def app_config():
    return {"LOGIN_RATE_LIMIT": "3 per minute", "API_RATE_LIMIT": "5 per minute"}


def test_wrong_tokens_are_throttled_like_sign_in_and_good_ones_per_token(client, users):
    for _ in range(3):
        assert client.get("/api/v1/plans", headers={"Authorization": "Bearer ctp_guess"}).status_code == 401
    refused = client.get("/api/v1/plans", headers={"Authorization": "Bearer ctp_guess"})
    assert refused.status_code == 429 and refused.get_json()["code"] == 429
    headers = bearer(users.reviewer)
    # The guessing address stays refused, even with a good token (as sign-in refuses it).
    assert client.get("/api/v1/plans", headers=headers).status_code == 429
    # From another address the good token works, up to its own limit.
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    for _ in range(5):
        assert client.get("/api/v1/plans", headers=headers, environ_base=elsewhere).status_code == 200
    assert client.get("/api/v1/plans", headers=headers, environ_base=elsewhere).status_code == 429
    other_token = bearer(users.reviewer2)
    assert client.get("/api/v1/plans", headers=other_token, environ_base=elsewhere).status_code == 200
