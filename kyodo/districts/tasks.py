from __future__ import annotations

from django_tasks import task

from kyodo.districts.services import send_district_digests


@task()
def send_district_digests_task() -> int:
    return send_district_digests()
