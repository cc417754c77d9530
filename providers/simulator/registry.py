"""The simulators, by provider slug."""

from __future__ import annotations

from django.utils.module_loading import import_string

from providers.registry import backends
from providers.simulator.base import ProviderSimulator


def simulator_classes() -> dict[str, type[ProviderSimulator]]:
    """providers/<slug>/simulator.py's ``Simulator`` for every registered backend."""
    found = {}
    for slug, backend in backends().items():
        package = backend.__module__.rsplit(".", 1)[0]
        found[slug] = import_string(f"{package}.simulator.Simulator")
    return found
