"""Real browser: import a CSV, map its columns, watch the progress bar move without a
reload, and download the report of rejected rows."""

import threading

import pytest

from campaigns.models import Contact, ImportJob
from campaigns.services import imports
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 12000


@pytest.fixture
def background_imports(monkeypatch):
    """Run the import task in a thread (as a worker would), so the page really polls."""
    threads = []

    def in_thread(func_path, job_id, **kw):
        thread = threading.Thread(target=imports.run_import, args=(job_id,), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr("django_q.tasks.async_task", in_thread)
    monkeypatch.setattr(imports, "CHUNK", 1000)
    yield
    for thread in threads:
        thread.join(60)


def test_import_and_watch_progress(page, live_server, sending_world, tmp_path, background_imports):
    lines = ["Phone,First name,Last name,Tier"] + [f"+9230077{i:05d},Name{i},Last{i},gold" for i in range(ROWS)]
    lines[10] = "not a phone,Bad,Row,x"
    lines += ["+923007700001,Dup,Later,silver"]  # a duplicate: the later row wins
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(lines) + "\n")

    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/contacts/")
    page.get_by_role("link", name="Import CSV / Excel").click()
    page.get_by_label("CSV or Excel file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/map/")
    assert page.get_by_label("Phone").input_value() == "phone"
    assert page.get_by_label("Tier").input_value() == "attribute:tier"
    page.get_by_label("...or to a new list named").fill("Big import")
    shot(page, "marketer-import-mapping")
    page.get_by_role("button", name="Start import").click()
    page.wait_for_url("**/contacts/import/*/")

    first = int(page.get_by_role("progressbar").get_attribute("aria-valuenow"))
    seen = set()
    for _ in range(300):
        seen.add(int(page.get_by_role("progressbar").get_attribute("aria-valuenow")))
        if 100 in seen and page.locator("#import-rejects").is_visible():
            break
        page.wait_for_timeout(100)
    assert first < 100 and 100 in seen, f"the bar did not move without a reload: {first} then {sorted(seen)}"
    shot(page, "marketer-import-progress")
    assert page.locator("#n-rejected").inner_text() == "1"
    assert page.locator("#n-created").inner_text().replace(",", "") == str(ROWS - 1)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected rows (CSV, with reasons)").click()
    report = download.value.path().read_text()
    assert "not a phone" in report and "row,reason" in report

    job = ImportJob.objects.get()
    assert job.status == "done" and job.rejected_count == 1
    assert Contact.objects.get(account=sending_world.account, phone="+923007700001").last_name == "Later"
