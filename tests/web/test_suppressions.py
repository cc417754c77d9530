"""Suppressions: add with a reason (normalized, once), filter, remove; roles."""

from campaigns.models import Suppression


def test_add_filter_and_remove(marketer_client, world):
    response = marketer_client.post("/suppressions/new/", {"phone": "+92 300 1234588", "reason": "complaint", "note": "called us"})
    assert response.status_code == 302
    item = Suppression.objects.get(account=world.account, phone="+923001234588")
    assert (item.reason, item.source) == ("complaint", "manual")
    response = marketer_client.post("/suppressions/new/", {"phone": "+923001234588", "reason": "opt_out"})
    assert "suppressed already" in response.context["form"].errors["phone"][0]
    Suppression.objects.create(account=world.account, phone="+923007777777", reason="opt_out", source="inbound")
    page = marketer_client.get("/suppressions/", {"reason": "opt_out"}).content.decode()
    assert "+923007777777" in page and "+923001234588" not in page
    assert "Reply (STOP)" in page
    marketer_client.post(f"/suppressions/{item.pk}/remove/")
    assert not Suppression.objects.filter(pk=item.pk).exists()


def test_bad_number_error(marketer_client):
    response = marketer_client.post("/suppressions/new/", {"phone": "hello", "reason": "opt_out"})
    assert response.status_code == 200 and response.context["form"].errors["phone"]


def test_roles(viewer_client, outsider_client, world):
    item = Suppression.objects.create(account=world.account, phone="+923001234588")
    assert viewer_client.get("/suppressions/").status_code == 200
    assert viewer_client.post("/suppressions/new/", {"phone": "+923001234568", "reason": "opt_out"}).status_code == 403
    assert viewer_client.post(f"/suppressions/{item.pk}/remove/").status_code == 403
    assert outsider_client.post(f"/suppressions/{item.pk}/remove/").status_code == 404
    assert "+923001234588" not in outsider_client.get("/suppressions/").content.decode()


def test_empty_suppressions_explain_where_numbers_come_from(marketer_client, world):
    assert "STOP-style replies land here by themselves" in marketer_client.get("/suppressions/").content.decode()
    assert "No suppressed number matches these filters" in marketer_client.get("/suppressions/?reason=complaint").content.decode()
