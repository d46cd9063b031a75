from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kyodo.events"
    label = "events"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from kyodo.accounts.hooks import register_my_page_section
        from kyodo.accounts.me import ME_LIST_TEMPLATE
        from kyodo.events.me import my_events_section, my_journey_section

        register_my_page_section("journey", 5, ME_LIST_TEMPLATE, my_journey_section)
        register_my_page_section("events", 30, ME_LIST_TEMPLATE, my_events_section)
        from kyodo.accounts.personal_data import (
            register_account_deletion_handler,
            register_personal_data_exporter,
            register_private_data_grant,
        )
        from kyodo.core.hooks import NavItem, register_nav_item
        from kyodo.events import personal_data

        register_nav_item(NavItem("events:list", _("Events and volunteering"), 50))
        register_nav_item(NavItem("events:facility-list", _("Activity bases"), 55))
        register_personal_data_exporter("event_registrations", personal_data.export_registrations)
        register_account_deletion_handler("events", personal_data.release_on_deletion)
        register_private_data_grant("events", personal_data.organiser_may_see_contact)
        _register_periodic_tasks()


def _register_periodic_tasks() -> None:
    import datetime as dt

    from kyodo.core.hooks import PeriodicTask, register_periodic_task
    from kyodo.events import tasks

    # Reminders of tomorrow's events each morning; lotteries drawn early each day.
    register_periodic_task(
        PeriodicTask("events.reminders", tasks.send_event_reminders, at=dt.time(9, 0))
    )
    register_periodic_task(
        PeriodicTask("events.booking_lotteries", tasks.run_due_booking_lotteries, at=dt.time(0, 30))
    )
