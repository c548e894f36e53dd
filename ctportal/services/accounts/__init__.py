"""Accounts: signing in, passwords, sessions, one-time links, creating and changing users."""
