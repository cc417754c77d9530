"""python manage.py engine_schedules: create (or refresh) the send engine's periodic
django-q2 tasks: the tick (every minute), count squashing, ProviderCall retention."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the send engine's periodic tasks (idempotent)."

    def handle(self, *args, **options) -> None:
        from campaigns.services.maintenance import SCHEDULES, ensure_schedules

        ensure_schedules(force=True)
        for name, func, minutes in SCHEDULES:
            self.stdout.write(f"{name}: {func} every {minutes} min")
