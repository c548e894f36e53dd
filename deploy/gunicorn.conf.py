"""gunicorn settings for ctportal (see docs/deployment.md). Override with GUNICORN_* environment."""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Uploads of 25 MB over slow links need time; PDF compiling never runs in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = 2000          # recycle workers now and then (memory hygiene)
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Every line gunicorn writes is JSON, like the portal's own (CTPORTAL_LOG_FORMAT=json): its start-up
# and error lines on stderr, one access line per request on stdout (ctportal/infra/logs.py).
logconfig_dict = {
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "access_console": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
    },
    "formatters": {
        "json": {"()": "ctportal.infra.logs.JsonFormatter"},
        "access": {"()": "ctportal.infra.logs.AccessJsonFormatter"},
    },
}
# The reverse proxy in front terminates TLS and sets X-Forwarded-*; the app trusts it
# through CTPORTAL_PROXY_COUNT (werkzeug ProxyFix), so gunicorn itself trusts only loopback.
forwarded_allow_ips = "127.0.0.1"
