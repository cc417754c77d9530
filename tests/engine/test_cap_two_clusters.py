"""The frequency cap with two real qcluster processes on PostgreSQL + Redis: two campaigns
to overlapping audiences launched at once under a cap of one message per contact per day.
Each cluster materializes one campaign at the same moment; every contact gets one message
and the overlap is skipped over the cap, counted with that reason on the campaigns."""

from __future__ import annotations

import contextlib
import json
import time

import pytest

from campaigns.services.private_services import start_services
from campaigns.services.sandbox import Sandbox
from tests.engine.test_scale_out import wait_for

N, OVERLAP = 300, 100  # contacts 0-199 in list A, 100-299 in list B

SEED = """
import json
from campaigns.models import Account, Campaign, Contact, ContactList, ListMembership
acc = Account.objects.get(slug="bench")
acc.cap_messages, acc.cap_period = 1, "day"
acc.save()
first = Campaign.objects.get(account=acc)
contacts = list(Contact.objects.filter(account=acc).order_by("pk").values_list("pk", flat=True))
lists = []
for name, part in (("A", contacts[:{a}]), ("B", contacts[{b}:])):
    cl = ContactList.objects.create(account=acc, name=name)
    ListMembership.objects.bulk_create([ListMembership(contact_list=cl, contact_id=c) for c in part])
    lists.append(cl.pk)
first.audience = {{"lists": [lists[0]]}}
first.save()
second = Campaign.objects.create(account=acc, name="Second", channel="sms", connection=first.connection,
    sender=first.sender, text="Second campaign", audience={{"lists": [lists[1]]}})
print(json.dumps([first.pk, second.pk]))
"""

LAUNCH_BOTH = """
from campaigns.models import Campaign
from campaigns.services.campaigns import launch
for pk in {ids}:
    launch(Campaign.objects.get(pk=pk))
"""


def campaign_rows(database_url: str, ids: list[int]) -> dict:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        per_contact = conn.execute(
            "SELECT contact_id, count(*) FROM campaigns_message WHERE campaign_id = ANY(%s) GROUP BY contact_id", [ids]
        ).fetchall()
        campaigns = conn.execute(
            "SELECT id, status, dropped_capped, deferred_capped FROM campaigns_campaign WHERE id = ANY(%s) ORDER BY id", [ids]
        ).fetchall()
        open_messages = conn.execute(
            "SELECT count(*) FROM campaigns_message WHERE campaign_id = ANY(%s) AND status IN ('pending', 'queued')", [ids]
        ).fetchone()[0]
    return {"per_contact": dict(per_contact), "campaigns": campaigns, "open": open_messages}


@pytest.mark.slow
def test_cap_of_one_a_day_holds_across_two_clusters(tmp_path):
    try:
        run_two_campaigns(tmp_path)
    except AssertionError:
        for log in sorted((tmp_path / "box").glob("cluster*.log")):  # shown when the test fails
            print(f"--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-60:]))
        raise


def run_two_campaigns(tmp_path) -> None:
    began = time.monotonic()
    with contextlib.ExitStack() as stack:
        env, labels = start_services(tmp_path / "services", stack, database="postgres", broker="redis")
        env.update(ENGINE_STALL_SECONDS="3", PROVIDER_HTTP_TIMEOUT="5", ENGINE_TASK_SPAN="50")
        box = stack.enter_context(Sandbox(tmp_path / "box", env=env))
        box.manage("migrate", "--noinput", "-v", "0")
        box.start_simulators(delay=0.5)
        box.manage_json("benchmark", "--phase", "seed", "--recipients", str(N), "--providers", "vt", "--sim-url", box.sim_url)
        ids = json.loads(box.manage("shell", "-c", SEED.format(a=N - OVERLAP, b=OVERLAP)).strip().splitlines()[-1])
        for name in ("cluster", "cluster2"):
            box.start_cluster(name, workers=2, env={"Q_LOG_LEVEL": "INFO"})
        time.sleep(1)
        box.manage("shell", "-c", LAUNCH_BOTH.format(ids=ids))  # two start tasks queued together
        last: dict = {}

        def both_finished():
            last.update(campaign_rows(env["DATABASE_URL"], ids))
            return last["open"] == 0 and all(row[1] == "completed" for row in last["campaigns"])

        wait_for(both_finished, timeout=60, step=0.5, shown=last)
        stats = box.sim_stats()["vt"]
        logs = {name: (box.root / f"{name}.log").read_text() for name in ("cluster", "cluster2")}
        for name in ("cluster", "cluster2"):
            box.kill(name)
        print(f"{labels}; {time.monotonic() - began:.0f} s in all; campaigns {last['campaigns']}; simulator {stats}")
        starts = {name: log.count("'campaigns.tasks.start_campaign' [") for name, log in logs.items()}
        print(f"start tasks per cluster: {starts}")  # two workers each: the two materialize in two processes at once
        assert all("campaigns.tasks.run_batch" in log for log in logs.values()), "a cluster sent nothing"
        assert len(last["per_contact"]) == N, f"{N - len(last['per_contact'])} contacts got no message"
        assert max(last["per_contact"].values()) == 1, "a contact got a message from both campaigns"
        assert not stats["duplicates"] and stats["submissions"] == N
        assert sum(row[2] for row in last["campaigns"]) == OVERLAP, "the overlap is not counted skipped over the cap"
        assert sum(row[3] for row in last["campaigns"]) == 0
