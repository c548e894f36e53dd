"""Demo data for development and demonstration instances (`flask seed-demo`); never in production."""
