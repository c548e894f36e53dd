"""Configuration: defaults here, then instance/config.py, then CTPORTAL_* environment variables.

Every setting below can be given as an environment variable with the CTPORTAL_ prefix
(CTPORTAL_MAX_UPLOAD_MB=50). DATABASE_URL and REDIS_URL are also read without the prefix,
as hosting platforms set them. Values from the environment are converted to the type of
the default (int, bool, float); the README lists and explains them.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from collections.abc import Mapping
from typing import Any


class Defaults:
    # "production" (the default, strict), "development" (make run) or "testing".
    ENV = "production"
    SECRET_KEY = ""
    # Empty: SQLite at instance/ctportal.sqlite3.
    DATABASE_URL = ""
    # How SQLite transactions begin: IMMEDIATE (take the write lock at once) or DEFERRED.
    SQLITE_BEGIN = "IMMEDIATE"
    # Empty: no Redis. When set, rate limits and the job queue use it.
    REDIS_URL = ""
    # Where uploaded documents and compiled PDFs live; empty: instance/files.
    STORAGE_DIR = ""
    # Links in mail. Unset: the address the server listens on (listening_address()).
    BASE_URL = ""
    SITE_NAME = "CT Western Balkans reporting portal"

    # Uploads
    MAX_UPLOAD_MB = 25
    # Largest total uncompressed size and compression ratio accepted inside office files.
    MAX_UNZIPPED_MB = 200
    MAX_ZIP_RATIO = 100

    # Sessions
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12
    # "auto": secure cookies in production, plain in development (http://127.0.0.1).
    SECURE_COOKIES = "auto"

    # Sign-in throttling
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "20 per hour"
    LOCKOUT_THRESHOLD = 8
    LOCKOUT_MINUTES = 15
    INVITE_VALID_HOURS = 72

    # The JSON API (/api/v1): personal tokens and their throttling. Failed token attempts are
    # limited per address like sign-in attempts (LOGIN_RATE_LIMIT); good ones per token.
    API_RATE_LIMIT = "300 per minute"
    API_TOKEN_MAX_DAYS = 365
    API_TOKEN_DEFAULT_DAYS = 90

    # Webhooks (approvals, compiled editions): the only hosts they may go to (comma-separated,
    # "host" or "host:port"; empty: none), https only unless WEBHOOK_ALLOW_HTTP, tries and backoff.
    WEBHOOK_ALLOWED_HOSTS = ""
    WEBHOOK_ALLOW_HTTP = False
    WEBHOOK_MAX_ATTEMPTS = 6
    WEBHOOK_RETRY_BASE_SECONDS = 30
    WEBHOOK_TIMEOUT_SECONDS = 10
    RESET_VALID_MINUTES = 60
    TOTP_ISSUER = "ctportal"

    # Mail: "console" (development: log and keep in the outbox page) or "smtp".
    MAIL_BACKEND = "console"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_STARTTLS = False
    MAIL_SENDER = "ctportal@localhost"

    # Background jobs (Huey): "embedded" runs a worker thread inside the web process on
    # SQLite storage; "redis" uses REDIS_URL and a separate `flask jobs-worker` process;
    # "immediate" runs jobs synchronously (tests).
    JOBS_MODE = "embedded"
    JOB_WORKERS = 2
    # Run the periodic tasks (reminders, pruning, mail retries, stale-job checks) in the embedded
    # consumer; a `flask jobs-worker` always runs them (services/schedule.py).
    JOBS_PERIODIC = True
    # A running job writes a heartbeat this often; one silent for JOB_STALE_SECONDS is failed.
    JOB_HEARTBEAT_SECONDS = 5
    JOB_STALE_SECONDS = 30
    # The hour (UTC) the daily reminders go out.
    REMINDER_HOUR = 6

    # PDF rendering
    PDF_RENDER_TIMEOUT_SECONDS = 600
    PDF_RENDER_MEMORY_MB = 1500
    PDF_PARALLEL_PARTS = 2
    # Editions and party PDFs tagged (PDF/UA-1) and archival (PDF/A-2a); False only to measure the
    # difference (make bench) — the parts are then cached under other keys.
    PDF_TAGGED = True
    # CPU priority of the render processes (os.nice increment): pages stay quick during a compile.
    PDF_RENDER_NICE = 19

    # The portal's seal on its editions (issue 16, item 4; docs/deployment.md): a PKCS#12 file and
    # its passphrase, or a PKCS#11 token (then SEAL_PKCS11_MODULE is the library's path; needs the
    # python-pkcs11 package). Production refuses to compile without one; development and tests
    # make a self-signed seal once in instance/seal/ (`flask make-dev-seal`).
    SEAL_PKCS12_FILE = ""
    SEAL_PASSPHRASE = ""
    SEAL_PKCS11_MODULE = ""
    SEAL_PKCS11_TOKEN_LABEL = ""
    SEAL_PKCS11_KEY_LABEL = ""
    SEAL_PKCS11_CERT_LABEL = ""
    SEAL_PKCS11_PIN = ""
    # PEM file of further certificates the verification page accepts as the portal's (the seals
    # of earlier years, after the seal was renewed).
    SEAL_TRUST_CERTS = ""
    # The public verification page: uploads per address (as sign-in attempts) and size.
    VERIFY_RATE_LIMIT = "10 per minute"
    VERIFY_MAX_MB = 25

    # Logging: "text" or "json" (one JSON object per line on stdout)
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # Trust X-Forwarded-* from this many proxies (0: none).
    PROXY_COUNT = 0


def _convert(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def from_environment(defaults: type = Defaults, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment overrides, converted to the defaults' types."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for name in dir(defaults):
        if not name.isupper():
            continue
        default = getattr(defaults, name)
        for var in (f"CTPORTAL_{name}",) + ((name,) if name in ("DATABASE_URL", "REDIS_URL") else ()):
            if var in environ:
                try:
                    found[name] = _convert(environ[var], default)
                except ValueError as exc:
                    raise RuntimeError(f"Setting {var}: {exc}") from None
                break
    return found


def listening_address(environ: Mapping[str, str] | None = None) -> str:
    """The address this server listens on, for links when BASE_URL is not set: `flask run`'s
    (FLASK_RUN_HOST/PORT, which `make run HOST=… PORT=…` sets), else gunicorn's GUNICORN_BIND,
    else flask's default. A wildcard host is reached on loopback."""
    environ = os.environ if environ is None else environ
    if "FLASK_RUN_PORT" in environ or "FLASK_RUN_HOST" in environ:
        host, port = environ.get("FLASK_RUN_HOST", "127.0.0.1"), environ.get("FLASK_RUN_PORT", "5000")
    elif environ.get("GUNICORN_BIND", "").count(":") == 1:
        host, port = environ["GUNICORN_BIND"].split(":")
    else:
        host, port = "127.0.0.1", "5000"
    if host in ("", "0.0.0.0", "::", "[::]", "localhost"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def finish(config: dict[str, Any], instance_path: Path) -> None:
    """Derive the settings that depend on others, and refuse an unsafe production set-up."""
    env = config["ENV"]
    if config["SQLITE_BEGIN"] not in ("IMMEDIATE", "DEFERRED"):
        raise RuntimeError("CTPORTAL_SQLITE_BEGIN must be IMMEDIATE or DEFERRED.")
    if env not in ("production", "development", "testing"):
        raise RuntimeError(f"CTPORTAL_ENV must be production, development or testing, not {env!r}")

    if not config.get("SECRET_KEY"):
        if env == "production":
            raise RuntimeError(
                "No SECRET_KEY: set CTPORTAL_SECRET_KEY (at least 32 random characters) or "
                "SECRET_KEY in instance/config.py. The portal does not start without one.")
        config["SECRET_KEY"] = _development_secret(instance_path)
    elif env == "production" and len(config["SECRET_KEY"]) < 32:
        raise RuntimeError("SECRET_KEY is too short: use at least 32 random characters.")

    if not config.get("BASE_URL"):
        config["BASE_URL"] = listening_address()
        config["BASE_URL_DERIVED"] = True  # production warns at start (create_app)

    url = config.get("DATABASE_URL") or f"sqlite:///{instance_path / 'ctportal.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    config["SQLALCHEMY_DATABASE_URI"] = url
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

    storage = Path(config.get("STORAGE_DIR") or instance_path / "files")
    config["STORAGE_DIR"] = str(storage)
    config["MAX_CONTENT_LENGTH"] = (config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    config["RATELIMIT_HEADERS_ENABLED"] = False

    secure = str(config["SECURE_COOKIES"]).lower()
    config["SECURE_COOKIES"] = env == "production" if secure == "auto" else secure in ("1", "true", "yes", "on")
    config["SESSION_COOKIE_SECURE"] = config["SECURE_COOKIES"]
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_NAME"] = "ctportal_session"
    config["REMEMBER_COOKIE_DURATION"] = 0
    config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    config["WTF_CSRF_SSL_STRICT"] = config["SECURE_COOKIES"]
    config["TESTING"] = env == "testing"


def _development_secret(instance_path: Path) -> str:
    """Development only: make a key once and keep it in instance/, so sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
