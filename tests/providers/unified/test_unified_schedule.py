"""Provider-side scheduling through /bulksms/schedulemsg, when the connection allows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from providers.base import MessageStatus
from providers.unified.backend import schedule_fields
from tests.providers.unified.conftest import by_id, sms

ON = {"provider_schedules": True}
FUTURE = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


@pytest.mark.parametrize(
    "when,expected",
    [
        (datetime(2030, 3, 3, 3, 45, tzinfo=UTC), {"date": "03/03/2030", "time": "03:45 am", "gmt": "+00:00"}),
        (datetime(2030, 12, 18, 23, 51, tzinfo=UTC), {"date": "12/18/2030", "time": "11:51 pm", "gmt": "+00:00"}),
        (datetime(2030, 1, 1, 0, 30, tzinfo=UTC), {"date": "01/01/2030", "time": "12:30 am", "gmt": "+00:00"}),
        (datetime(2030, 1, 1, 12, 0, tzinfo=UTC), {"date": "01/01/2030", "time": "12:00 pm", "gmt": "+00:00"}),
        (
            datetime(2030, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            {"date": "01/01/2030", "time": "03:30 am", "gmt": "+00:00"},
        ),
    ],
)
def test_date_time_and_gmt_in_the_documents_formats(when, expected):
    assert schedule_fields(when) == expected


def test_a_future_send_at_goes_to_schedulemsg_when_the_setting_is_on(canned):
    backend, recorder = canned("1701|2348012345671|sched-1", settings=ON)
    [result] = backend.send_batch([sms(1, "+2348012345671", send_at=FUTURE)])
    request = recorder.requests[0]
    assert request.url.path == "/unified/bulksms/schedulemsg"
    params = recorder.params()
    assert params["date"] == FUTURE.strftime("%m/%d/%Y") and params["gmt"] == "+00:00"
    assert params["time"] == FUTURE.strftime("%I:%M %p").lower()
    assert {"username", "password", "type", "dlr", "destination", "source", "message"} <= set(params)
    assert result.status == MessageStatus.SUBMITTED and result.provider_message_id == "sched-1"
    assert "scheduled_for" in result.extra


def test_setting_off_sends_now(canned):
    backend, recorder = canned("1701|2348012345671|now-1")
    backend.send_batch([sms(1, "+2348012345671", send_at=FUTURE)])
    assert recorder.requests[0].url.path == "/unified/bulksms/bulksms"
    assert "date" not in recorder.params()


def test_a_past_send_at_sends_now(canned):
    backend, recorder = canned("1701|2348012345671|now-1", settings=ON)
    backend.send_batch([sms(1, "+2348012345671", send_at=datetime.now(UTC) - timedelta(minutes=5))])
    assert recorder.requests[0].url.path == "/unified/bulksms/bulksms"


def test_scheduled_and_immediate_messages_do_not_share_a_request(make_backend, sim):
    backend = make_backend(settings=ON)
    results = by_id(backend.send_batch([sms(1, "+2348012345671", send_at=FUTURE), sms(2, "+2348012345672")]))
    assert sim.requests == 2
    assert {r.status for r in results.values()} == {MessageStatus.SUBMITTED}


def test_the_simulator_reports_after_the_scheduled_time(make_backend, sim):
    sim.resolve_webhook = lambda slug, value, kind: "http://testserver/webhooks/unified/tok/"
    make_backend(settings=ON).send_batch([sms(1, "+2348012345671", send_at=FUTURE)])
    [hook] = sim.drain()
    assert hook.delay > 2 * 86400


def test_the_simulator_refuses_a_malformed_schedule(backend):
    response = backend.http.get(
        "http://sim.test/unified/bulksms/schedulemsg",
        params={
            "username": "acme",
            "password": "p",
            "type": "0",
            "dlr": "1",
            "destination": "2348012345671",
            "source": "ACME",
            "message": "x",
            "date": "2030-03-03",
            "time": "03:45 am",
            "gmt": "+00:00",
        },
    )
    assert response.text == "1702"
