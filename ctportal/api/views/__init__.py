"""The API's blueprints, one per resource family; the list is every part of /api/v1."""
from ctportal.api.views import catalogue, editions, progress, reports, rounds

BLUEPRINT_MODULES = (catalogue, rounds, reports, progress, editions)
