"""Run simulators in-process in tests: an httpx transport over their handlers, and
delivery of their webhooks through Django's test client."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from providers.simulator.base import ProviderSimulator, SimRequest


class SimulatorTransport(httpx.MockTransport):
    """Routes http://<any host>/<slug>/... to the simulator registered for <slug>."""

    def __init__(self, simulators: dict[str, ProviderSimulator]) -> None:
        self.simulators = simulators
        super().__init__(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        slug, _, rest = request.url.path.lstrip("/").partition("/")
        simulator = self.simulators.get(slug)
        if simulator is None:
            return httpx.Response(404, json={"error": f"no simulator at /{slug}/"})
        sim_request = SimRequest(
            method=request.method,
            path="/" + rest,
            query=dict(request.url.params.multi_items()),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.read(),
        )
        simulator.requests += 1
        response = simulator.handle(sim_request)
        return httpx.Response(response.status, content=response.body, headers={"content-type": response.content_type, **response.headers})


def deliver_webhooks(client, simulators: dict[str, ProviderSimulator]) -> list[int]:
    """Post every queued webhook to the portal through a Django test client.
    Returns the response status codes."""
    codes = []
    for simulator in simulators.values():
        for hook in simulator.drain():
            parts = urlsplit(hook.url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if hook.method == "GET":
                response = client.get(path)
            else:
                response = client.generic(hook.method, path, data=hook.body, content_type=hook.content_type)
            codes.append(response.status_code)
    return codes
