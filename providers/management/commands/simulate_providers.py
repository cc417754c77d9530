"""python manage.py simulate_providers --port 8025: every provider's simulator on one port."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve local simulators of every provider API under http://HOST:PORT/<provider>/."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--site-url", default=settings.SITE_URL, help="Where webhooks are posted (the portal).")
        parser.add_argument("--delay", type=float, default=0.5, help="Seconds before a delivery report is posted.")
        parser.add_argument(
            "--rate-limit", type=int, default=0, help="Requests per second per account before HTTP 429 (where the provider documents it)."
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options) -> None:
        import uvicorn

        from providers.simulator.registry import simulator_classes
        from providers.simulator.server import SimulatorApp, db_webhook_resolver

        resolver = db_webhook_resolver(options["site_url"].rstrip("/"))
        sims = {
            slug: cls(resolver, seed=options["seed"], delay=options["delay"], rate_limit=options["rate_limit"])
            for slug, cls in simulator_classes().items()
        }
        app = SimulatorApp(sims)
        self.stdout.write(f"Provider simulators on http://{options['host']}:{options['port']}/<provider>/ for: {', '.join(sorted(sims))}")
        uvicorn.run(app, host=options["host"], port=options["port"], log_level="warning", lifespan="on", access_log=False)
