"""Business operations. Services flush; the view (or CLI command) that called them commits."""
