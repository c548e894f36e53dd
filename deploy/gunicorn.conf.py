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
access_log_format = '{"remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": %(B)s, "ms": %(M)s}'
# The reverse proxy in front terminates TLS and sets X-Forwarded-*; the app trusts it
# through CTPORTAL_PROXY_COUNT (werkzeug ProxyFix), so gunicorn itself trusts only loopback.
forwarded_allow_ips = "127.0.0.1"
