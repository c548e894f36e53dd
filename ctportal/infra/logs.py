"""Logging: readable lines in development, JSON lines on stdout in production."""
from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping

from flask import Flask, has_request_context, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {**_basics(self, record), "message": record.getMessage()}
        if has_request_context():
            data["method"] = request.method
            data["path"] = request.path
            data["remote"] = request.remote_addr
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def _basics(formatter: logging.Formatter, record: logging.LogRecord) -> dict:
    return {"time": formatter.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
            "logger": record.name}


# Single-use links carry their secret in the path; an access log must not keep it.
_SECRET_PATH = re.compile(r"^(/(?:reset|invite)/)[^/?]+")


class AccessJsonFormatter(logging.Formatter):
    """gunicorn's access log as JSON lines (deploy/gunicorn.conf.py).

    Built from the request's atoms, which gunicorn passes as the record's args, so every value
    is escaped by `json` whatever the client sent (gunicorn's own format only escapes quotes).
    """

    ATOMS = (("remote", "h"), ("method", "m"), ("path", "U"), ("query", "q"), ("status", "s"),
             ("bytes", "B"), ("ms", "M"), ("agent", "a"))

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args if isinstance(record.args, Mapping) else {}
        data = _basics(self, record)
        for key, atom in self.ATOMS:
            value = atoms.get(atom)
            if isinstance(value, str):
                value = value.replace('\\"', '"')  # gunicorn's SafeAtoms escaped the quotes
            if key == "path" and isinstance(value, str):
                value = _SECRET_PATH.sub(r"\1[redacted]", value)
            if key in ("status", "bytes", "ms") and isinstance(value, str) and value.isdigit():
                value = int(value)
            data[key] = value
        return json.dumps(data, ensure_ascii=False)


def init_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stdout)
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("ctportal")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
