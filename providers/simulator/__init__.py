"""Local simulators of the provider APIs, served by `manage.py simulate_providers`.

Each provider's simulator lives in ``providers/<slug>/simulator.py`` as a subclass of
``ProviderSimulator``; this package hosts them all on one port, each under ``/<slug>/``
(so a connection's base URL is ``http://127.0.0.1:8025/<slug>``)."""
