"""The bare anchor page for bench/web.py: one SQLite query rendering a 200-row Jinja table (≈ 37 KB).

Served by the same gunicorn settings as the portal, so that the portal's pages are measured as a
ratio to what Flask, Jinja and SQLite cost on this machine at this moment.
"""
from __future__ import annotations

import os
import sqlite3

from flask import Flask, render_template_string

DATABASE = os.environ.get("ANCHOR_DATABASE", "anchor.sqlite3")
TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Anchor</title></head><body>
<table><thead><tr><th>Id</th><th>Name</th><th>Note</th></tr></thead><tbody>
{% for id, name, note in rows %}<tr><td>{{ id }}</td><td>{{ name }}</td><td>{{ note }}</td></tr>
{% endfor %}</tbody></table></body></html>"""

app = Flask(__name__)


def create_database(path: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, name TEXT, note TEXT)")
        conn.execute("DELETE FROM item")
        conn.executemany("INSERT INTO item (id, name, note) VALUES (?, ?, ?)",
                         [(i, f"Item {i}", f"Note {i}: " + "progress & results " * 7) for i in range(1, 201)])


@app.get("/")
def table() -> str:
    with sqlite3.connect(DATABASE) as conn:
        rows = conn.execute("SELECT id, name, note FROM item ORDER BY id LIMIT 200").fetchall()
    return render_template_string(TEMPLATE, rows=rows)
