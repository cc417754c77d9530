"""Every id filter of every list endpoint and page is scoped like the object it names.

One table: each filter parameter (found from the API's filter sets, plus the web pages'),
tried by each kind of caller with another subaccount's id, another account's id and an id
that does not exist. A caller learns nothing: the three answers are identical, and none
shows an object the caller could not open directly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from campaigns.api.filters import IdFilter, ScopedFilterBackend
from campaigns.api.urls import router
from campaigns.models import (
    Campaign,
    Contact,
    ContactList,
    EventDelivery,
    EventSubscription,
    InboundMessage,
    LedgerEntry,
    Membership,
    Message,
    RateCardEntry,
    Role,
    Segment,
    SenderID,
    Subaccount,
    Template,
    VoiceRecording,
)
from campaigns.services.conversations import mark_read, record_inbound
from providers.models import ProviderConnection
from tests.api.conftest import Api
from tests.conftest import login, make_connection

MISSING_ID = 987_654_321


@dataclass
class Estate:
    """The objects of one subaccount (or account) that a stranger must not reach."""

    subaccount: Subaccount | None
    contact_list: ContactList
    campaign: Campaign
    subscription: EventSubscription
    connection: ProviderConnection
    phones: list[str]

    def object_of(self, model: type) -> object | None:
        if model is Subaccount:
            return self.subaccount
        by_model = {
            ContactList: self.contact_list,
            Campaign: self.campaign,
            EventSubscription: self.subscription,
            ProviderConnection: self.connection,
        }
        return by_model[model]


def build_estate(account, subaccount, connection, prefix: str) -> Estate:
    """A list with members, a campaign with a message, a charge, a reply, a subscription with a
    delivery, a template, a sender ID and a recording, all in ``subaccount``."""
    phones = [f"+92300{prefix}{n:04d}" for n in range(3)]
    contacts = [Contact.objects.create(account=account, phone=p, first_name=f"Secret{prefix}") for p in phones]
    contact_list = ContactList.objects.create(account=account, subaccount=subaccount, name=f"Private {prefix}")
    contact_list.contacts.add(*contacts)
    campaign = Campaign.objects.create(account=account, subaccount=subaccount, name=f"Secret campaign {prefix}", connection=connection)
    message = Message.objects.create(
        account=account, subaccount=subaccount, campaign=campaign, connection=connection, to=phones[0], text="private"
    )
    LedgerEntry.objects.create(
        account=account, subaccount=subaccount, campaign=campaign, kind="charge", amount=Decimal("-1"), balance_after=Decimal("0")
    )
    reply = InboundMessage.objects.create(account=account, connection=connection, campaign=campaign, message=message, from_number=phones[0])
    # Its conversation, read by everyone (an unread count in the navigation could equal a stranger's id).
    conversation = record_inbound(reply, subaccount.pk if subaccount else None)
    for membership in Membership.objects.filter(account=account).select_related("user"):
        mark_read(conversation, membership.user)
    subscription = EventSubscription.objects.create(
        account=account, subaccount=subaccount, url=f"https://hooks.example.test/{prefix}", events=["message.status"]
    )
    EventDelivery.objects.create(account=account, subscription=subscription, kind="message.status")
    Template.objects.create(account=account, subaccount=subaccount, connection=connection, name=f"Secret template {prefix}")
    SenderID.objects.create(account=account, subaccount=subaccount, channel="sms", value=f"S{prefix}", connection=connection)
    VoiceRecording.objects.create(account=account, subaccount=subaccount, name=f"Secret recording {prefix}", file="recordings/x.wav")
    RateCardEntry.objects.create(connection=connection, channel="sms", prefix=f"92{prefix}", price=Decimal("0.001"))
    Segment.objects.create(
        account=account,
        subaccount=subaccount,
        name=f"Secret segment {prefix}",
        conditions={"match": "all", "groups": [{"match": "all", "rules": [{"field": "phone", "op": "contains", "value": prefix}]}]},
    )
    return Estate(subaccount, contact_list, campaign, subscription, connection, phones)


@pytest.fixture
def estates(world, keys):
    sales = Subaccount.objects.create(account=world.account, name="Sales")
    own_connection = make_connection(world.account, "vt")
    other_connection = make_connection(world.other_account, "vt", name="globex vt")
    other_sub = Subaccount.objects.create(account=world.other_account, name="Globex sales")
    return {
        "mine": build_estate(world.account, world.subaccount, own_connection, "11"),
        "other_sub": build_estate(world.account, sales, own_connection, "22"),
        "other_account": build_estate(world.other_account, other_sub, other_connection, "33"),
    }


def api_id_filters() -> list[tuple[str, str, type]]:
    """(list URL, parameter, model it names) for every id filter of every API list endpoint."""
    table = []
    backend = ScopedFilterBackend()
    for prefix, viewset, _ in router.registry:
        view = viewset()
        view.action = "list"
        filterset = backend.get_filterset_class(view, viewset.queryset)
        for name, found in filterset.base_filters.items() if filterset else []:
            if isinstance(found, IdFilter):
                table.append((f"/api/v1/{prefix}", name, found.related_model))
    return table


API_FILTERS = api_id_filters()


def test_the_table_covers_the_known_filters():
    found = {(url, name) for url, name, _ in API_FILTERS}
    expected = {
        ("/api/v1/contacts", "list"),
        ("/api/v1/messages", "campaign"),
        ("/api/v1/inbound-messages", "campaign"),
        ("/api/v1/ledger", "campaign"),
        ("/api/v1/ledger", "subaccount"),
        ("/api/v1/campaigns", "subaccount"),
        ("/api/v1/event-deliveries", "subscription"),
        ("/api/v1/templates", "subaccount"),
        ("/api/v1/templates", "connection"),
        ("/api/v1/rate-cards", "connection"),
        ("/api/v1/sender-ids", "subaccount"),
        ("/api/v1/recordings", "subaccount"),
        ("/api/v1/lists", "subaccount"),
    }
    assert expected <= found, expected - found


def session_api(user) -> Api:
    api = Api()
    api.client = login(user)
    return api


def callers(world, keys) -> dict[str, tuple[Api, bool]]:
    """name -> (client, bound to the Marketing subaccount)."""
    return {
        "subaccount key": (Api(keys.subaccount), True),
        "marketer session": (session_api(world.marketer), True),
        "viewer session": (session_api(world.viewer), True),
        "account key": (Api(keys.account), False),
        "admin session": (session_api(world.admin), False),
    }


def strangers(estates, model: type, bound: bool) -> dict[str, int]:
    """The ids a caller may not name: another account's, a missing one, and (for a
    subaccount-bound caller) another subaccount's, where the model belongs to subaccounts."""
    ids = {"missing": MISSING_ID, "other account": estates["other_account"].object_of(model).pk}
    other_sub = estates["other_sub"].object_of(model)
    if bound and (model is Subaccount or getattr(other_sub, "subaccount_id", None)):
        ids["other subaccount"] = other_sub.pk
    return ids


def leaked_phones(body: str, estates, bound: bool) -> list[str]:
    hidden = estates["other_account"].phones + (estates["other_sub"].phones if bound else [])
    return [phone for phone in hidden if phone in body]


@pytest.mark.parametrize(("url", "param", "model"), API_FILTERS, ids=[f"{u}?{p}" for u, p, _ in API_FILTERS])
def test_api_id_filter_answers_alike_and_leaks_nothing(url, param, model, world, keys, estates):
    for caller, (api, bound) in callers(world, keys).items():
        answers = {}
        for kind, pk in strangers(estates, model, bound).items():
            response = api.get(url, {param: pk})
            answers[kind] = (response.status_code, response.json())
            assert response.status_code in (200, 403), (caller, kind, response.content)
            if response.status_code == 200:
                assert response.json()["results"] == [], (caller, kind, response.content)
            assert not leaked_phones(response.content.decode(), estates, bound), (caller, kind)
        assert len(set(map(repr, answers.values()))) == 1, (caller, answers)


@pytest.mark.parametrize(("url", "param", "model"), API_FILTERS, ids=[f"{u}?{p}" for u, p, _ in API_FILTERS])
def test_api_id_filter_still_finds_ones_own(url, param, model, keys, estates):
    """The filter is not simply switched off: an own id selects the own objects."""
    own = estates["mine"].object_of(model)
    response = Api(keys.account).get(url, {param: own.pk})
    assert response.status_code == 200 and response.json()["results"], response.content


def test_subaccount_key_cannot_list_another_subaccounts_list_members(keys, estates):
    sub = Api(keys.subaccount)
    mine = sub.get("/api/v1/contacts", {"list": estates["mine"].contact_list.pk}).json()["results"]
    theirs = sub.get("/api/v1/contacts", {"list": estates["other_sub"].contact_list.pk}).json()["results"]
    assert sorted(c["phone"] for c in mine) == estates["mine"].phones
    assert theirs == []


def test_contacts_show_only_lists_the_caller_may_see(keys, estates):
    shared = estates["mine"].phones[0]
    estates["other_sub"].contact_list.contacts.add(*Contact.objects.filter(phone=shared))
    body = Api(keys.subaccount).get("/api/v1/contacts", {"phone": shared}).json()["results"]
    assert body[0]["lists"] == [estates["mine"].contact_list.pk]
    everything = Api(keys.account).get("/api/v1/contacts", {"phone": shared}).json()["results"]
    assert sorted(everything[0]["lists"]) == sorted([estates["mine"].contact_list.pk, estates["other_sub"].contact_list.pk])
    detail = Api(keys.subaccount).get(f"/api/v1/contacts/{body[0]['id']}").json()
    assert detail["lists"] == [estates["mine"].contact_list.pk]


def test_a_malformed_or_huge_id_filter_is_a_clear_400(api):
    for value in ("abc", "0", str(2**63), "-3"):
        response = api.get("/api/v1/messages", {"campaign": value})
        assert response.status_code == 400, (value, response.content)
        assert response.json()["error"]["fields"] == {"campaign": [response.json()["error"]["fields"]["campaign"][0]]}


# --- the web pages ---------------------------------------------------------------------

WEB_FILTERS = [
    ("/contacts/", "list", ContactList, {Role.ADMIN, Role.MARKETER, Role.VIEWER}),
    ("/campaigns/compose/audience.json", "lists", ContactList, {Role.ADMIN, Role.MARKETER, Role.VIEWER}),
    ("/campaigns/compose/audience.json", "exclude_lists", ContactList, {Role.ADMIN, Role.MARKETER, Role.VIEWER}),
    ("/campaigns/compose/preview.json", "campaign", Campaign, {Role.ADMIN, Role.MARKETER, Role.VIEWER}),
    ("/conversations/", "campaign", Campaign, {Role.ADMIN, Role.MARKETER, Role.VIEWER}),
    ("/admin/billing/", "subaccount", Subaccount, {Role.ADMIN}),
    ("/admin/http-log/", "connection", ProviderConnection, {Role.ADMIN}),
    ("/admin/api-keys/events/", "subscription", EventSubscription, {Role.ADMIN}),
]


def normalized(body: bytes, pk: int) -> str:
    text = body.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(rf"\b{pk}\b", "<id>", text)


@pytest.mark.parametrize(("url", "param", "model", "roles"), WEB_FILTERS, ids=[f"{u}?{p}" for u, p, _, _ in WEB_FILTERS])
def test_web_id_filter_answers_alike_and_leaks_nothing(url, param, model, roles, world, estates):
    users = {Role.ADMIN: world.admin, Role.MARKETER: world.marketer, Role.VIEWER: world.viewer}
    for role in sorted(roles):
        client: Client = login(users[role])
        bound = role != Role.ADMIN
        answers = {}
        for kind, pk in strangers(estates, model, bound).items():
            response = client.get(url, {param: pk})
            assert response.status_code in (200, 404), (role, kind, response.status_code)
            assert not leaked_phones(response.content.decode(), estates, bound), (role, kind)
            answers[kind] = (response.status_code, normalized(response.content, pk))
        assert len(set(answers.values())) == 1, (role, {k: v[0] for k, v in answers.items()})


def test_contacts_page_list_filter_keeps_to_the_subaccount(world, estates):
    marketer = login(world.marketer)
    own = marketer.get("/contacts/", {"list": estates["mine"].contact_list.pk}).content.decode()
    theirs = marketer.get("/contacts/", {"list": estates["other_sub"].contact_list.pk}).content.decode()
    assert all(phone in own for phone in estates["mine"].phones)
    assert not any(phone in theirs for phone in estates["other_sub"].phones)
    assert login(world.admin).get("/contacts/", {"list": str(2**64)}).status_code == 200


def test_marketer_of_another_subaccount_sees_shared_list_members(world, estates):
    shared = ContactList.objects.create(account=world.account, name="Everyone")
    shared.contacts.add(*Contact.objects.filter(phone__in=estates["other_sub"].phones))
    body = login(world.marketer).get("/contacts/", {"list": shared.pk}).content.decode()
    assert all(phone in body for phone in estates["other_sub"].phones)
