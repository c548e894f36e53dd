"""Command-line interface: `flask --app app COMMAND` (the README lists them).

Each module holds the commands of one area; this list is every command the portal has.
"""
from __future__ import annotations

from flask import Flask

from ctportal.cli import api, audit, backup, demo, jobs, pdf, reminders, setup

COMMAND_MODULES = (setup, demo, jobs, audit, backup, reminders, pdf, api)


def register(app: Flask) -> None:
    for module in COMMAND_MODULES:
        for command in module.commands:
            app.cli.add_command(command)
