"""CLI commands by area. Every module here with a `commands` list is registered by ctportal.cli."""
