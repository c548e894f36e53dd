"""Telling people: in-portal notifications and mail, queued with the change that caused them."""
