"""Background tasks (django-tasks): the open-data package, on the scheduler's timetable."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from kyodo.api.opendata import build_package, latest_manifest


@task()
def build_open_data_package() -> dict[str, int]:
    """Rebuild the open-data package (daily at 04:00 Japan time, see kyodo.api.apps)."""
    return build_package().rows


def last_publication() -> dt.datetime | None:
    """When the city last published something the package holds a figure of: screening
    results, the annual survey (the report's records), a council's meeting record."""
    from django.db.models import Max

    from kyodo.calls.models import Round
    from kyodo.districts.models import Meeting
    from kyodo.promotion.models import SurveyPeriod

    times = [
        Round.objects.aggregate(t=Max("results_published_at"))["t"],
        SurveyPeriod.objects.aggregate(t=Max("closed_at"))["t"],
        Meeting.objects.aggregate(t=Max("published_at"))["t"],
    ]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def package_is_stale(now: dt.datetime | None = None) -> bool:
    """True when something was published after the latest package was built."""
    published = last_publication()
    if published is None or published > (now or timezone.now()):
        return False
    manifest = latest_manifest()
    built = parse_datetime(manifest["generated_at"]) if manifest else None
    return built is None or built < published


@task()
def refresh_open_data_after_publication() -> bool:
    """Rebuild the package if results, a report or a meeting record were published since the
    last build (the scheduler runs this every 10 minutes, so a publication reaches the open
    data within minutes instead of the next morning). Returns whether it rebuilt."""
    if not package_is_stale():
        return False
    build_package()
    return True
