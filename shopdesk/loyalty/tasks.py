"""The points jobs as tasks of Django's Tasks API (`django-tasks`; the database backend by default).

Each run does its work and queues its own next run for the next day (`run_after`), so one
`shopdesk points schedule` starts the daily cycle and any tasks worker (`shopdesk db_worker`) keeps it going.
Moving to another backend (e.g. RQ) is configuration (`TASKS` in settings), not code.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from shopdesk.loyalty.jobs import points_earn_delivered, points_expire_due, points_release_due

# The next run comes a day after this one: both jobs are safe to run twice, so a late or doubled run is harmless.
EVERY = dt.timedelta(days=1)


@task()
def points_release_task(reschedule: bool = True) -> dict[str, int]:
    """Credit delivered orders, then make pending points whose day has come available."""
    now = timezone.now()
    earned = points_earn_delivered(now=now)
    released = points_release_due(now=now)
    if reschedule:
        points_release_task.using(run_after=now + EVERY).enqueue(reschedule=True)
    return {"earned_entries": earned.entries, **released.as_dict()}


@task()
def points_expire_task(reschedule: bool = True) -> dict[str, int]:
    """Expire what is left of points older than the policy's months."""
    now = timezone.now()
    expired = points_expire_due(now=now)
    if reschedule:
        points_expire_task.using(run_after=now + EVERY).enqueue(reschedule=True)
    return expired.as_dict()


def points_tasks_schedule() -> list[str]:
    """Queue the first run of each job unless one is already waiting (checked where the backend is the
    database's; other backends keep their own schedule). Returns the names of the tasks queued."""
    queued = []
    for job in (points_release_task, points_expire_task):
        if _waiting(job.module_path):
            continue
        job.enqueue(reschedule=True)
        queued.append(job.name)
    return queued


def _waiting(task_path: str) -> bool:
    from django.conf import settings

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if not backend.startswith("django_tasks_db."):
        return False
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # READY includes runs queued for later (`run_after` in the future): the next daily run is one of them.
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task_path).exists()
