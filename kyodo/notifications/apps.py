from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kyodo.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        import datetime as dt

        from django.contrib.auth.signals import user_logged_in

        from kyodo.notifications.unread import on_login

        # The header's unread count is ready from the first page after signing in.
        user_logged_in.connect(on_login, dispatch_uid="notifications.unread.on_login")

        from kyodo.accounts.hooks import register_my_page_section
        from kyodo.accounts.me import ME_LIST_TEMPLATE
        from kyodo.core.hooks import PeriodicTask, register_periodic_task
        from kyodo.notifications import tasks
        from kyodo.notifications.me import my_follows_section

        register_my_page_section("follows", 60, ME_LIST_TEMPLATE, my_follows_section)
        from kyodo.accounts.personal_data import register_personal_data_exporter
        from kyodo.notifications import personal_data

        register_personal_data_exporter("follows", personal_data.export_follows)
        register_personal_data_exporter("notifications", personal_data.export_notifications)
        register_personal_data_exporter("email_settings", personal_data.export_preference)

        register_periodic_task(
            PeriodicTask("notifications.daily_digest", tasks.send_daily_digests, at=dt.time(7, 0))
        )
        register_periodic_task(
            PeriodicTask("notifications.weekly_digest", tasks.send_weekly_digests, at=dt.time(7, 0))
        )
