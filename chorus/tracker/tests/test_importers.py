"""Importers run against recorded sample responses, with only the HTTP transport mocked."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chorus.core.models import AuditEvent
from chorus.core.periodic import periodic_jobs
from chorus.tracker.models import (
    WINDOWS_FIELD,
    ChangeKind,
    ImportRun,
    ItemChange,
    ItemKind,
    StageName,
    TrackedItem,
)
from chorus.tracker.services import tracker_import_run
from chorus.tracker.tests.factories import london

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def transport(routes: dict[str, bytes | int | Exception]) -> httpx.MockTransport:
    """Answer by URL path: bytes are a JSON body, an int is a bare status, an exception is raised."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = routes.get(request.url.path)
        if answer is None:
            return httpx.Response(404, json={"error": "not found"})
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(answer, content=sample("not_json.html"), headers={"content-type": "text/html"})
        return httpx.Response(200, content=answer, headers={"content-type": "application/json"})

    mock = httpx.MockTransport(handler)
    mock.seen = seen  # type: ignore[attr-defined]
    return mock


BILLS = {
    "/api/v1/Bills": sample("bills_search.json"),
    "/api/v1/Bills/3884/Stages": sample("bill_stages_3884.json"),
    "/api/v1/Bills/3912/Stages": sample("bill_stages_3912.json"),
}
COMMITTEES = {"/api/CommitteeBusiness": sample("committees_business.json")}
GOVUK = {"/api/search.json": sample("govuk_consultations.json")}


def run(source: str, routes: dict[str, Any], terms: list[str] | None = None) -> Any:
    return tracker_import_run(source=source, transport=transport(routes), terms=terms or ["mental health"])


def test_bills_import_inserts_bills_with_stages_in_our_vocabulary() -> None:
    report = run("bills", BILLS)
    assert report.ok
    assert report.counts == {"insert": 2, "update": 0, "no change": 0, "skipped fields": 0}
    bill = TrackedItem.objects.get(source_system="bills", upstream_id="3884")
    assert bill.title == "Mental Health Bill [HL]"
    assert bill.kind == ItemKind.BILL
    assert bill.owner_body == "Department of Health and Social Care"
    assert bill.source_url == "https://bills.parliament.uk/bills/3884"
    assert "2nd reading in the Commons" in bill.summary
    assert [(s.name, s.date) for s in bill.stages.order_by("date")] == [
        (StageName.INTRODUCED, datetime.date(2025, 11, 6)),
        (StageName.SECOND_READING, datetime.date(2025, 11, 26)),
        (StageName.COMMITTEE, datetime.date(2026, 1, 13)),
        (StageName.REPORT_STAGE, datetime.date(2026, 3, 10)),
        (StageName.THIRD_READING, datetime.date(2026, 3, 31)),
        (StageName.OTHER_HOUSE, datetime.date(2026, 4, 1)),
    ]
    assert ItemChange.objects.filter(item=bill, kind=ChangeKind.ITEM_ADDED).count() == 1
    assert ImportRun.objects.get().succeeded
    assert AuditEvent.objects.filter(action="tracker.import.completed", data__insert=2).exists()


def test_search_terms_are_sent_and_results_deduplicated() -> None:
    mock = transport(BILLS)
    report = tracker_import_run(source="bills", transport=mock, terms=["mental health", "data sharing"])
    assert report.counts["insert"] == 2
    searches = [r for r in mock.seen if r.url.path == "/api/v1/Bills"]  # type: ignore[attr-defined]
    assert [r.url.params["SearchTerm"] for r in searches] == ["mental health", "data sharing"]


def test_a_second_identical_run_reports_no_change() -> None:
    run("bills", BILLS)
    changes = ItemChange.objects.count()
    report = run("bills", BILLS)
    assert report.counts == {"insert": 0, "update": 0, "no change": 2, "skipped fields": 0}
    assert ItemChange.objects.count() == changes


def test_a_new_stage_is_an_update_recorded_on_the_timeline() -> None:
    run("bills", BILLS)
    report = run("bills", {**BILLS, "/api/v1/Bills/3912/Stages": sample("bill_stages_3912_later.json")})
    outcomes = {o.upstream_id: o for o in report.outcomes}
    assert outcomes["3912"].action == "update"
    assert outcomes["3912"].changed == ["stage second-reading"]
    assert outcomes["3884"].action == "no change"
    bill = TrackedItem.objects.get(upstream_id="3912")
    assert bill.stages.filter(name=StageName.SECOND_READING, date=datetime.date(2026, 6, 9)).exists()
    change = ItemChange.objects.get(item=bill, kind=ChangeKind.STAGE_ADDED)
    assert "Second reading" in change.description


def test_committee_business_accepting_evidence_is_imported_with_its_window() -> None:
    report = run("committees", COMMITTEES)
    assert report.counts["insert"] == 1  # the inquiry with no open submission period is left out
    inquiry = TrackedItem.objects.get(source_system="committees", upstream_id="9021")
    assert inquiry.kind == ItemKind.INQUIRY
    assert inquiry.owner_body == "Joint Committee on Human Rights"
    window = inquiry.windows.get()
    assert window.upstream_id == "4411"
    assert window.closes_at == london(2026, 12, 4, 23, 59)
    assert window.opens_at == london(2026, 9, 15, 9, 0)
    assert "4411" in inquiry.respond_url
    assert {s.name for s in inquiry.stages.all()} == {StageName.LAUNCHED, StageName.CALL_FOR_EVIDENCE}


def test_a_moved_deadline_updates_the_window_and_is_recorded() -> None:
    run("committees", COMMITTEES)
    report = run("committees", {"/api/CommitteeBusiness": sample("committees_business_deadline_moved.json")})
    assert report.outcomes[0].action == "update"
    assert report.outcomes[0].changed == ["deadline"]
    inquiry = TrackedItem.objects.get(upstream_id="9021")
    assert inquiry.windows.get().closes_at == london(2026, 12, 18, 23, 59)
    change = ItemChange.objects.get(item=inquiry, kind=ChangeKind.DEADLINE_CHANGED)
    assert "4 December 2026" in change.description and "18 December 2026" in change.description


def test_govuk_consultations_are_imported_with_opening_and_closing_dates() -> None:
    report = run("govuk", GOVUK)
    assert report.counts["insert"] == 2
    item = TrackedItem.objects.get(upstream_id="/government/consultations/sharing-health-and-care-data-for-planning")
    assert item.kind == ItemKind.CONSULTATION
    assert item.owner_body == "Department of Health and Social Care"
    assert item.source_url == "https://www.gov.uk/government/consultations/sharing-health-and-care-data-for-planning"
    window = item.windows.get()
    assert window.opens_at == datetime.datetime(2026, 10, 20, 8, 30, tzinfo=datetime.UTC)
    assert window.closes_at == london(2026, 12, 15, 23, 59)
    assert item.slug == "sharing-health-and-care-data-for-planning-proposals"


def test_markup_from_upstream_is_stored_as_plain_words_without_scripts() -> None:
    hostile = json.loads(sample("govuk_consultations.json"))
    first = hostile["results"][0]
    first["title"] = "Sharing <b>health</b> data &amp; care"
    first["description"] = (
        "<p>We want views.</p><script>alert('taken')</script>"
        '<img src="x" onerror="alert(1)"><p>Tell us <a href="javascript:alert(2)">here</a>.</p>'
    )
    first["organisations"][0]["title"] = "Department of <i>Health</i>"
    run("govuk", {"/api/search.json": json.dumps(hostile).encode()})
    item = TrackedItem.objects.get(upstream_id=first["link"])
    assert item.title == "Sharing health data & care"
    assert item.summary == "We want views. Tell us here."
    assert item.owner_body == "Department of Health"
    stored = f"{item.title} {item.summary} {item.owner_body}"
    for fragment in ("<", "script", "alert", "onerror", "javascript"):
        assert fragment not in stored


def test_fields_edited_by_staff_are_not_overwritten_and_are_reported_as_skipped() -> None:
    run("govuk", GOVUK)
    item = TrackedItem.objects.get(upstream_id="/government/consultations/reforming-disability-benefits-assessments")
    item.title = "Changing how disability benefit assessments work"
    item.summary = "Our plain summary."
    item.manually_edited_fields = ["title", "summary", WINDOWS_FIELD]
    item.save()
    window = item.windows.get()
    window.closes_at = london(2027, 1, 30, 12, 0)
    window.save()
    report = run("govuk", GOVUK)
    outcome = next(o for o in report.outcomes if o.upstream_id == item.upstream_id)
    assert outcome.action == "no change"
    assert outcome.skipped == ["title", "summary", WINDOWS_FIELD]
    assert report.counts["skipped fields"] == 3
    assert "skipped (edited by staff) title, summary, windows" in outcome.describe()
    item.refresh_from_db()
    assert item.title == "Changing how disability benefit assessments work"
    assert item.windows.get().closes_at == london(2027, 1, 30, 12, 0)


def test_unprotected_fields_still_update_next_to_protected_ones() -> None:
    run("govuk", GOVUK)
    item = TrackedItem.objects.get(upstream_id="/government/consultations/reforming-disability-benefits-assessments")
    TrackedItem.objects.filter(pk=item.pk).update(
        title="Our title", owner_body="Old owner", manually_edited_fields=["title"]
    )
    report = run("govuk", GOVUK)
    outcome = next(o for o in report.outcomes if o.upstream_id == item.upstream_id)
    assert (outcome.action, outcome.changed, outcome.skipped) == ("update", ["owner_body"], ["title"])
    item.refresh_from_db()
    assert (item.title, item.owner_body) == ("Our title", "Department for Work and Pensions")


@pytest.mark.parametrize(
    ("source", "routes", "message"),
    [
        ("bills", {**BILLS, "/api/v1/Bills": sample("bills_search_malformed.json")}, "billId"),
        ("bills", {**BILLS, "/api/v1/Bills/3912/Stages": 503}, "503"),
        ("bills", {**BILLS, "/api/v1/Bills/3912/Stages": b"{not json"}, "valid JSON"),
        ("bills", {**BILLS, "/api/v1/Bills": b'{"unexpected": []}'}, "items"),
        ("committees", {"/api/CommitteeBusiness": sample("committees_business_malformed.json")}, "next Friday"),
        ("committees", {"/api/CommitteeBusiness": httpx.ReadTimeout("slow")}, "Timed out"),
        ("govuk", {"/api/search.json": sample("govuk_consultations_malformed.json")}, "date"),
        ("govuk", {"/api/search.json": 500}, "500"),
        ("govuk", {"/api/search.json": httpx.ConnectError("refused")}, "Could not fetch"),
        ("govuk", {"/api/search.json": b"[1, 2, 3]"}, "expected an object"),
    ],
)
def test_failures_are_reported_and_change_nothing(source: str, routes: dict[str, Any], message: str) -> None:
    first = run(source, {"bills": BILLS, "committees": COMMITTEES, "govuk": GOVUK}[source])
    assert first.ok
    before = sorted(TrackedItem.objects.values_list("pk", "title", "updated_at"))
    changes = ItemChange.objects.count()
    report = run(source, routes)
    assert not report.ok
    assert message in report.error
    assert report.lines()[0].startswith(f"{source}: FAILED, nothing changed")
    assert sorted(TrackedItem.objects.values_list("pk", "title", "updated_at")) == before
    assert ItemChange.objects.count() == changes
    failed = ImportRun.objects.filter(succeeded=False).get()
    assert message in failed.error
    assert AuditEvent.objects.filter(action="tracker.import.failed").count() == 1


def test_a_failure_half_way_through_applying_rolls_everything_back() -> None:
    # Storing the second bill fails: the first, already written, must be rolled back too.
    from chorus.tracker import services

    original = services._imported_values

    def explode_on_second(imported: Any) -> dict[str, str]:
        if imported.upstream_id == "3912":
            raise ValueError("cannot store this item")
        return original(imported)

    services._imported_values = explode_on_second  # type: ignore[assignment]
    try:
        report = run("bills", BILLS)
    finally:
        services._imported_values = original  # type: ignore[assignment]
    assert not report.ok
    assert TrackedItem.objects.count() == 0


def test_management_command_prints_the_report(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from chorus.tracker import services

    real_client = httpx.Client

    def client_with_samples(**kwargs: Any) -> httpx.Client:
        kwargs["transport"] = transport({**BILLS, **COMMITTEES, **GOVUK})
        return real_client(**kwargs)

    monkeypatch.setattr(services.httpx, "Client", client_with_samples)
    call_command("import_tracker", "--source", "all")
    out = capsys.readouterr().out
    assert "bills: 2 inserted, 0 updated, 0 unchanged" in out
    assert "committees: 1 inserted" in out
    assert "govuk: 2 inserted" in out
    assert "insert: Mental Health Bill [HL] [3884]" in out


def test_management_command_fails_loudly_when_a_source_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from chorus.tracker import services

    real_client = httpx.Client

    def client_with_errors(**kwargs: Any) -> httpx.Client:
        kwargs["transport"] = transport({"/api/search.json": 502})
        return real_client(**kwargs)

    monkeypatch.setattr(services.httpx, "Client", client_with_errors)
    with pytest.raises(CommandError, match="govuk"):
        call_command("import_tracker", "--source", "govuk")


def test_the_daily_import_is_registered_as_a_periodic_job() -> None:
    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["tracker-import"].task_path == "chorus.tracker.tasks.import_all_sources"
    assert jobs["tracker-import"].every == datetime.timedelta(days=1)
    assert jobs["tracker-reminders"].task_path == "chorus.tracker.tasks.send_response_reminders"


def test_daily_task_imports_every_source_independently(monkeypatch: pytest.MonkeyPatch) -> None:
    from chorus.tracker import services
    from chorus.tracker.tasks import import_all_sources

    real_client = httpx.Client

    def client_with_samples(**kwargs: Any) -> httpx.Client:
        # GOV.UK is down; the other two sources still import.
        kwargs["transport"] = transport({**BILLS, **COMMITTEES, "/api/search.json": 503})
        return real_client(**kwargs)

    monkeypatch.setattr(services.httpx, "Client", client_with_samples)
    lines = import_all_sources.enqueue().return_value
    assert any(line.startswith("bills: 2 inserted") for line in lines)
    assert any(line.startswith("committees: 1 inserted") for line in lines)
    assert any(line.startswith("govuk: FAILED, nothing changed") for line in lines)
    assert TrackedItem.objects.count() == 3


@pytest.mark.parametrize(
    ("routes", "words"),
    [
        ({"/api/CommitteeBusiness": httpx.ReadTimeout("slow")}, "Failed: could not reach the service (timeout)"),
        ({"/api/CommitteeBusiness": httpx.ConnectError("refused")}, "Failed: could not reach the service"),
        ({"/api/CommitteeBusiness": 503}, "Failed: the service had a problem of its own (error 503)"),
        ({"/api/CommitteeBusiness": b"{not json"}, "Failed: the service sent something we do not understand"),
        (
            {"/api/CommitteeBusiness": sample("committees_business_malformed.json")},
            "Failed: the service sent something we do not understand",
        ),
    ],
)
def test_a_failed_run_says_why_in_plain_words(routes: dict[str, Any], words: str) -> None:
    run("committees", routes)
    failed = ImportRun.objects.get()
    assert failed.status_text.startswith(words)
    assert failed.summary == "Nothing was changed."
    assert failed.error  # the technical detail is kept for whoever fixes it


def test_a_run_that_could_not_save_says_so() -> None:
    from chorus.tracker import services

    original = services._imported_values

    def explode(imported: Any) -> dict[str, str]:
        raise ValueError("cannot store this item")

    services._imported_values = explode  # type: ignore[assignment]
    try:
        run("bills", BILLS)
    finally:
        services._imported_values = original  # type: ignore[assignment]
    assert ImportRun.objects.get().status_text == "Failed: what the service sent could not be saved"


def test_a_run_that_worked_says_what_it_did_as_a_sentence() -> None:
    run("bills", BILLS)
    first = ImportRun.objects.get()
    assert first.status_text == "Worked"
    assert first.summary == "2 new items, 0 items updated and 0 items unchanged."
    item = TrackedItem.objects.get(upstream_id="3884")
    TrackedItem.objects.filter(pk=item.pk).update(manually_edited_fields=["title"], title="Ours")
    run("bills", BILLS)
    second = ImportRun.objects.first()
    assert second is not None and second.pk != first.pk
    assert second.summary == (
        "0 new items, 0 items updated and 2 items unchanged. 1 change left alone because staff edited those details."
    )


def test_import_runs_read_as_words_in_the_list_and_inspect_screens(editor: Any) -> None:
    from conftest import client_for

    run("committees", {"/api/CommitteeBusiness": httpx.ReadTimeout("slow")})
    run("bills", BILLS)
    failed = ImportRun.objects.get(succeeded=False)
    client = client_for(editor)
    listing = client.get("/admin/tracker/imports/").content.decode()
    assert "Failed: could not reach the service (timeout)" in listing
    assert "2 new items, 0 items updated and 0 items unchanged." in listing
    assert "{&#x27;insert&#x27;" not in listing and "{'insert'" not in listing
    inspect = client.get(f"/admin/tracker/imports/inspect/{failed.pk}/").content.decode()
    assert "Failed: could not reach the service (timeout)" in inspect
    assert "Nothing was changed." in inspect
    assert "Technical detail" in inspect and "Timed out fetching" in inspect
    assert ">False<" not in inspect


def test_imports_record_when_they_last_read_each_item() -> None:
    run("bills", BILLS)
    bill = TrackedItem.objects.get(upstream_id="3884")
    assert bill.last_imported_at is not None
    first_read, updated = bill.last_imported_at, bill.updated_at
    run("bills", BILLS)
    bill.refresh_from_db()
    assert bill.last_imported_at > first_read
    assert bill.updated_at == updated  # reading an unchanged item again is not a change to it


def test_importers_create_live_items() -> None:
    run("bills", BILLS)
    assert TrackedItem.objects.count() == 2
    assert set(TrackedItem.objects.values_list("live", flat=True)) == {True}
