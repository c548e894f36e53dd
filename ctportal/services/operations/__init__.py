"""Running an instance: set-up, backups and restores, database roles."""
