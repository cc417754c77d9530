"""The Keywords admin page: access, the defaults grouped by action, add/edit/delete audited,
clear errors for a clashing or empty keyword."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.models import AuditEvent, KeywordRule

pytestmark = pytest.mark.django_db


def rule(world, keyword: str) -> KeywordRule:
    from campaigns.services.keywords import rules_for

    return rules_for(world.account).get(keyword=keyword)


def test_anonymous_is_sent_to_login(world):
    assert Client().get("/admin/keywords/")["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(world, marketer_client, viewer_client):
    stop = rule(world, "STOP")
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/keywords/").status_code == 403
        assert client.post("/admin/keywords/new/", {"keyword": "SNEAKY", "action": "opt_in"}).status_code == 403
        assert client.post(f"/admin/keywords/{stop.pk}/delete/").status_code == 403
    assert not KeywordRule.objects.filter(keyword="SNEAKY").exists()
    assert KeywordRule.objects.filter(pk=stop.pk).exists()


def test_outsider_gets_404_on_another_accounts_rule(world, outsider_client):
    stop = rule(world, "STOP")
    assert outsider_client.get(f"/admin/keywords/{stop.pk}/").status_code == 404
    assert outsider_client.post(f"/admin/keywords/{stop.pk}/", {"keyword": "X", "action": "help"}).status_code == 404
    assert outsider_client.post(f"/admin/keywords/{stop.pk}/delete/").status_code == 404
    assert KeywordRule.objects.get(pk=stop.pk).keyword == "STOP"


def test_page_lists_the_defaults_by_action(world, admin_client):
    page = admin_client.get("/admin/keywords/").content.decode()
    for word in ("STOP", "PARAR", "SAIR", "ARRETER", "START", "COMMENCER", "VOLTAR", "HELP", "AJUDA", "AIDE"):
        assert f"<code>{word}</code>" in page
    assert page.index("Opt out") < page.index("<code>PARAR</code>") < page.index("Opt in") < page.index("<code>COMMENCER</code>")


def test_admin_adds_edits_and_deletes_a_rule_audited(world, admin_client):
    response = admin_client.post("/admin/keywords/new/", {"keyword": "sí", "action": "opt_in", "reply_text": "¡Hola!", "is_active": "on"})
    assert response.status_code == 302
    added = KeywordRule.objects.get(account=world.account, normalized="SI")
    admin_client.post(f"/admin/keywords/{added.pk}/", {"keyword": "sí", "action": "opt_in", "reply_text": ""})
    added.refresh_from_db()
    assert added.reply_text == "" and not added.is_active
    admin_client.post(f"/admin/keywords/{added.pk}/delete/")
    assert not KeywordRule.objects.filter(pk=added.pk).exists()

    events = AuditEvent.objects.filter(account=world.account, target_type="keywordrule").order_by("id")
    assert [e.action for e in events] == ["keyword_rule.created", "keyword_rule.changed", "keyword_rule.deleted"]
    assert events[1].changes["is_active"] == [True, False] and events[0].actor_label == world.admin.username


def test_clashing_and_empty_keywords_are_clear_errors(world, admin_client):
    page = admin_client.post("/admin/keywords/new/", {"keyword": "Stop", "action": "opt_out"}).content.decode()
    assert "STOP is already a keyword" in page
    page = admin_client.post("/admin/keywords/new/", {"keyword": "...", "action": "opt_out"}).content.decode()
    assert "Enter a word" in page
    assert admin_client.get("/admin/keywords/new/?action=bogus").status_code == 200
