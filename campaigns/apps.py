from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from campaigns import signals  # audit records for logins

        signals.connect_model_audit()

        from campaigns.services import consent

        consent.connect()
