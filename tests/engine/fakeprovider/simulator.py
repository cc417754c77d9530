"""The fake provider's simulator: accepts everything but numbers ending 0000, reports
each message's outcome_for() status on the status query, counts submissions."""

from __future__ import annotations

from providers.simulator.base import ProviderSimulator, SimRequest, SimResponse, outcome_for


class Simulator(ProviderSimulator):
    slug = "fake"
    account_credential = "key"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.by_ref: dict[int, str] = {}

    def handle(self, request: SimRequest) -> SimResponse:
        data = request.json()
        if request.path == "/status":
            results = [{"ref": ref, "id": self.by_ref[ref], "status": "delivered"} for ref in data["refs"] if ref in self.by_ref]
            return SimResponse.json({"results": results})
        results = []
        for m in data["messages"]:
            if outcome_for(m["to"]) == "invalid":
                results.append({"ref": m["ref"], "error": "BADNUM"})
                continue
            pid = self.next_id("f")
            self.by_ref[m["ref"]] = pid
            self.count_submission(m["to"])
            results.append({"ref": m["ref"], "id": pid})
        return SimResponse.json({"results": results})
