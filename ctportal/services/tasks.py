"""Every module that defines background tasks, imported when the app is built (infra/jobs.py):
a consumer must know every task before it takes the first one off the queue."""

TASK_MODULES = (
    "ctportal.services.messaging.mail",
    "ctportal.services.editions.editions",
    "ctportal.services.editions.hooks",
    "ctportal.services.editions.party_jobs",
    "ctportal.services.schedule",
)
