"""One module per resource; `register` mounts them on the API. Resources owned by apps that
are not installed are skipped, so the API always matches the deployment."""

from __future__ import annotations

from ninja import NinjaAPI


def register(api: NinjaAPI) -> None:
    from kyodo.api.endpoints import events, guideline, issues, me, news, open_data, organizations

    api.add_router("/guideline", guideline.router)
    api.add_router("/organizations", organizations.router)
    api.add_router("/issues", issues.router)
    api.add_router("/events", events.router)
    api.add_router("/facilities", events.facilities_router)
    api.add_router("/news", news.router)
    api.add_router("/me", me.router)
    api.add_router("/open-data", open_data.router)
    from kyodo.api.endpoints import projects, statistics

    api.add_router("/projects", projects.router)
    api.add_router("/statistics", statistics.router)
    from kyodo.api.endpoints import calls

    api.add_router("/calls", calls.router)
    api.add_router("/applications", calls.applications_router)
    from kyodo.api.endpoints import councils

    api.add_router("/councils", councils.router)
