from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from campaigns import (
            lookups,  # noqa: F401  (phone__e164)
            signals,  # audit records for logins
        )

        signals.connect_model_audit()

        from campaigns.services import consent

        consent.connect()

        from campaigns.services import attribute_numbers

        attribute_numbers.connect()

        from django_q.signals import post_spawn

        from campaigns.services.maintenance import on_worker_spawn

        post_spawn.connect(on_worker_spawn, dispatch_uid="campaigns-recover-on-start")
