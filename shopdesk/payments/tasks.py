"""Scheduled payment jobs, through Django's Tasks API (django-tasks; the database backend by default).

verification_deadline(verification_id)   enqueued for the deadline when a check opens
verification_deadlines_sweep()           every overdue check: catches a job lost with a worker or a backend
"""

from __future__ import annotations

from django_tasks import task

from shopdesk.payments.services.verification import verification_deadline_apply, verifications_overdue


@task()
def verification_deadline(verification_id: int) -> str:
    done = verification_deadline_apply(verification_id=verification_id)
    return done.status if done is not None else "missing"


@task()
def verification_deadlines_sweep() -> int:
    overdue = verifications_overdue()
    for verification_id in overdue:
        verification_deadline_apply(verification_id=verification_id)
    return len(overdue)
