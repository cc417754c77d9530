"""/api/v1/keyword-rules: the defaults without setup, admin keys change them (audited),
subaccount and read-only keys may not, another account's rules are a 404."""

from __future__ import annotations

from campaigns.models import AuditEvent, KeywordRule
from tests.api.conftest import Api, error_of
from tests.conftest import login

URL = "/api/v1/keyword-rules"


def test_every_account_lists_the_defaults_without_setup(api):
    rules = api.get(URL, {"page_size": 100}).json()["results"]
    words = {(r["keyword"], r["action"]) for r in rules}
    assert {("STOP", "opt_out"), ("PARAR", "opt_out"), ("ARRETER", "opt_out"), ("START", "opt_in")} <= words
    assert {("COMMENCER", "opt_in"), ("VOLTAR", "opt_in"), ("AJUDA", "help"), ("AIDE", "help")} <= words
    assert all(r["reply_text"] for r in rules)


def test_admin_key_adds_changes_and_deletes_a_rule_audited(api, world):
    created = api.post(URL, {"keyword": "Baja", "action": "opt_out", "reply_text": "Dado de baja."})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert KeywordRule.objects.get(pk=pk).normalized == "BAJA"

    assert api.patch(f"{URL}/{pk}", {"reply_text": "Listo."}).json()["reply_text"] == "Listo."
    assert api.delete(f"{URL}/{pk}").status_code == 204

    actions = list(AuditEvent.objects.filter(target_type="keywordrule").order_by("id").values_list("action", "actor_kind"))
    assert actions == [("keyword_rule.created", "api_key"), ("keyword_rule.changed", "api_key"), ("keyword_rule.deleted", "api_key")]


def test_a_keyword_equal_but_for_case_and_accents_is_refused(api):
    response = api.post(URL, {"keyword": "arrêter", "action": "opt_out"})
    assert response.status_code == 409
    assert "already a keyword" in str(error_of(response)["fields"])


def test_bad_action_and_empty_keyword_are_clear_errors(api):
    response = api.post(URL, {"keyword": "!!", "action": "explode"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"keyword", "action"}


def test_subaccount_and_read_only_keys_may_not_change_rules(sub_api, ro_api):
    assert sub_api.post(URL, {"keyword": "BAJA", "action": "opt_out"}).status_code == 403
    assert ro_api.post(URL, {"keyword": "BAJA", "action": "opt_out"}).status_code == 403
    assert not KeywordRule.objects.filter(normalized="BAJA").exists()


def test_outsider_gets_404_on_another_accounts_rule(api, outsider_api):
    pk = api.get(URL).json()["results"][0]["id"]
    assert outsider_api.get(f"{URL}/{pk}").status_code == 404
    assert outsider_api.patch(f"{URL}/{pk}", {"reply_text": "hacked"}).status_code == 404
    assert outsider_api.delete(f"{URL}/{pk}").status_code == 404
    assert pk not in [r["id"] for r in outsider_api.get(URL, {"page_size": 100}).json()["results"]]


def test_session_users_marketer_and_viewer_refused(world):
    for user in (world.marketer, world.viewer):
        api = Api()
        api.client = login(user)
        assert api.get(URL).status_code == 403
    admin = Api()
    admin.client = login(world.admin)
    assert admin.get(URL).status_code == 200


def test_a_suppression_made_with_an_api_key_is_recorded_as_consent_by_that_key(api, world):
    from campaigns.models import ConsentRecord, Contact

    contact = Contact.objects.create(account=world.account, phone="+923001239999")
    assert api.post("/api/v1/suppressions", {"phone": contact.phone, "reason": "opt_out"}).status_code == 201

    record = ConsentRecord.objects.get(contact=contact)
    assert (record.status, record.source) == ("opted_out", "api") and record.detail.startswith("API key server")
