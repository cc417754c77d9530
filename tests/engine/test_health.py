"""/health and the per-connection statistics admins see."""

from __future__ import annotations

from django.core.management import call_command
from django_q.models import Schedule

from campaigns.services.campaigns import launch
from campaigns.services.maintenance import tick
from campaigns.services.stats import connection_stats
from tests.engine.conftest import add_contacts, make_campaign


def test_health_is_bare_for_the_public(client, db):
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert client.get("/health", HTTP_AUTHORIZATION="Bearer guess").json() == {"status": "ok"}


def test_health_details_with_the_token(client, db, settings):
    settings.HEALTH_TOKEN = "probe-secret-123"
    assert client.get("/health", HTTP_AUTHORIZATION="Bearer wrong").json() == {"status": "ok"}
    data = client.get("/health", HTTP_AUTHORIZATION="Bearer probe-secret-123").json()
    assert data["db"] is True and data["cluster_alive"] is False and "queue_depth" in data
    tick()  # the cluster's periodic tick leaves a heartbeat
    data = client.get("/health", HTTP_AUTHORIZATION="Bearer probe-secret-123").json()
    assert data["cluster_alive"] is True and data["ok"] is True and data["status"] == "ok"


def test_health_details_for_staff_not_for_account_admins(world):
    from tests.conftest import login, login_with_second_factor

    assert login(world.admin).get("/health").json() == {"status": "ok"}
    world.admin.is_staff = True
    world.admin.save()
    staff = login(world.admin)
    assert staff.get("/health").json() == {"status": "ok"}  # no second factor yet
    assert "queue_depth" in login_with_second_factor(world.admin).get("/health").json()


def test_connection_stats(engine_world, simulators):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, ["+923001234517", "+923001230000"]))
    launch(campaign)
    (stats,) = connection_stats(engine_world.account)
    assert stats["connection_id"] == engine_world.connection.pk
    assert stats["sent_last_minutes"] == 2 and stats["error_rate"] == 0.5
    assert stats["queue_depth"] == 0 and stats["mps"] == engine_world.connection.mps
    assert connection_stats(engine_world.other_account) == []


def test_engine_schedules_command(db):
    assert Schedule.objects.filter(func="campaigns.tasks.tick").exists()  # created by migrate (post_migrate)
    call_command("engine_schedules")
    call_command("engine_schedules")
    assert set(Schedule.objects.values_list("func", flat=True)) >= {
        "campaigns.tasks.tick",
        "campaigns.tasks.squash",
        "campaigns.tasks.retention",
    }
    assert Schedule.objects.filter(func="campaigns.tasks.tick").count() == 1
