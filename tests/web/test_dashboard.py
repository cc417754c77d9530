"""Dashboard: balance, delivery rate and recent campaigns with progress, per account."""

from decimal import Decimal

from campaigns.models import StatusCount
from campaigns.services.ledger import top_up


def test_overview(marketer_client, world, draft):
    top_up(world.account, Decimal("25.50"))
    StatusCount.objects.create(account=world.account, campaign=draft, status="delivered", count=9)
    StatusCount.objects.create(account=world.account, campaign=draft, status="undelivered", count=1)
    response = marketer_client.get("/")
    html = response.content.decode()
    assert "25.50" in html and "90.0%" in html and draft.name in html
    assert response.context["rows"][0]["percent"] == 100


def test_other_account_sees_nothing(outsider_client, draft):
    assert draft.name not in outsider_client.get("/").content.decode()


def test_user_without_account_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("lonely@x.test", password="x")
    client.force_login(user)
    assert client.get("/").status_code == 403


def test_no_campaigns_yet_links_to_the_composer(marketer_client, viewer_client, world):
    assert 'href="/campaigns/new/">Compose your first campaign</a>' in marketer_client.get("/campaigns/").content.decode()
    assert "No campaign matches these filters" in marketer_client.get("/campaigns/?q=zzz").content.decode()
    assert "Compose your first campaign" not in viewer_client.get("/").content.decode()


def test_status_chart_data_in_words_order_without_zeros(marketer_client, world, draft):
    assert b"chart-account-status" not in marketer_client.get("/").content
    StatusCount.objects.create(account=world.account, campaign=draft, status="undelivered", count=2)
    StatusCount.objects.create(account=world.account, campaign=draft, status="delivered", count=9)
    response = marketer_client.get("/")
    assert response.context["status_rows"] == [["delivered", 9], ["undelivered", 2]]
    html = response.content.decode()
    assert 'id="account-status-data"' in html and "js/charts.js" in html and "chart-account-status" in html
