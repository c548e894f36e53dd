"""Throttling holds across worker processes: Flask-Limiter through Redis, the lock through the database.

Each "worker" is a separate Python process with its own app, as under gunicorn with several workers.
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal.models import User, db, utcnow
from tests.helpers import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"

WORKER = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.conftest import _config
from ctportal import create_app
settings = json.loads(sys.argv[1])
config = _config(Path(settings.pop("tmp")), settings.pop("database_url"))
config.update(settings.pop("config"))
app = create_app(config)
client = app.test_client()
statuses = []
for password in settings["passwords"]:
    response = client.post("/login", data={{"email": settings["email"], "password": password}})
    statuses.append(response.status_code)
print(json.dumps(statuses))
"""


def _redis_available() -> bool:
    try:
        import redis
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001 - whatever fails, there is no Redis to test against
        return False


@pytest.fixture
def prefix():
    """A key prefix of this test's own, so other runs sharing the Redis server are not disturbed."""
    value = f"ctportal-test-{uuid.uuid4().hex}"
    yield value
    if _redis_available():
        import redis
        r = redis.Redis.from_url(REDIS_URL)
        for key in r.scan_iter(f"*{value}*"):
            r.delete(key)


def _worker(database_url, tmp_path, config: dict, email: str, passwords: list[str]) -> list[int]:
    db.session.commit()
    settings = {"tmp": str(tmp_path), "database_url": database_url, "config": config, "email": email,
                "passwords": passwords}
    done = subprocess.run([sys.executable, "-c", WORKER.format(root=str(ROOT)), json.dumps(settings)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _limiter_config(storage: str, prefix: str) -> dict:
    # The account limit is what is tested: the lock threshold is out of reach.
    return {"REDIS_URL": storage, "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "100 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "4 per hour", "LOCKOUT_THRESHOLD": 1000}


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_the_account_rate_limit_is_shared_by_workers_through_redis(app, users, database_url, tmp_path, prefix):
    config = _limiter_config(REDIS_URL, prefix)
    first = _worker(database_url, tmp_path, config, users.coordinator_al.email, ["wrong guess number 1"] * 3)
    second = _worker(database_url, tmp_path, config, users.coordinator_al.email,
                     ["wrong guess number 2", "wrong guess number 3", PASSWORD])
    assert first == [200, 200, 200]
    # The fourth failure anywhere uses up the limit; even the right password is then turned away.
    assert second == [200, 429, 429]


def test_with_memory_storage_each_worker_counts_alone(app, users, database_url, tmp_path, prefix):
    """The control: why Redis is needed when there is more than one worker process."""
    config = _limiter_config("", prefix)
    first = _worker(database_url, tmp_path, config, users.coordinator_al.email, ["wrong guess number 1"] * 3)
    second = _worker(database_url, tmp_path, config, users.coordinator_al.email, ["wrong guess number 2"] * 3)
    assert first == second == [200, 200, 200]


def test_the_lock_is_counted_in_the_database_across_workers(app, users, database_url, tmp_path, prefix):
    config = {"RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "100 per minute",
              "LOGIN_ACCOUNT_RATE_LIMIT": "100 per hour", "LOCKOUT_THRESHOLD": 4, "LOCKOUT_MINUTES": 15}
    # Memory storage on purpose: the limiter cannot help here, only the database can.
    first = _worker(database_url, tmp_path, config, users.coordinator_al.email, ["wrong guess"] * 2)
    second = _worker(database_url, tmp_path, config, users.coordinator_al.email, ["wrong guess"] * 2 + [PASSWORD])
    assert first == [200, 200] and second == [200, 200, 200]
    db.session.expire_all()
    locked_until = db.session.scalar(sa.select(User.locked_until).where(User.id == users.coordinator_al.id))
    assert locked_until is not None and locked_until > utcnow()
    # A third worker, fresh memory and all, is refused the right password too.
    assert _worker(database_url, tmp_path, config, users.coordinator_al.email, [PASSWORD]) == [200]
