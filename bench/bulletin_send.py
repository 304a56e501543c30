"""Benchmark: send one bulletin issue to N subscribers through a local SMTP server.

Prints messages per second, the time to freeze the recipient list, and the peak
memory (RSS) of each worker process. Compare --quick (2,000) with the default
(20,000): worker memory should stay flat as the list grows.

    .venv/bin/python bench/bulletin_send.py               # 20,000 subscribers, 3 workers
    .venv/bin/python bench/bulletin_send.py --quick       # 2,000 subscribers
    .venv/bin/python bench/bulletin_send.py -n 5000 --workers 4 \\
        --database-url postgres://postgres@127.0.0.1:5432/chorus_bulletin_bench

The default database is a SQLite file under var/bench/ (migrated on first use).
The SMTP server is Postfix's smtp-sink when installed (apt-get install postfix), else
aiosmtpd in this process (--sink chooses); it only counts what it accepts. The run
checks that the server accepted one message per frozen recipient and that every
delivery row is marked sent.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smtp_sink import SINK_CHOICES, start_sink

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--subscribers", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 subscribers")
    parser.add_argument("--workers", type=int, default=3, help="sending worker processes")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100_000, help="overall messages/second cap")
    parser.add_argument("--database-url", default="", help="default: a SQLite file under var/bench/")
    parser.add_argument(
        "--sink", choices=SINK_CHOICES, default="auto", help="SMTP server (auto: smtp-sink if there, else aiosmtpd)"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    count = 2_000 if args.quick else args.subscribers

    smtp = start_sink(args.sink)
    database_url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'bulletin.sqlite3'}"
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chorus.bulletin.tests.worker_settings"
    os.environ["BULLETIN_WORKER_DATABASE_URL"] = database_url
    os.environ["BULLETIN_WORKER_SMTP_PORT"] = str(smtp.port)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    issue_id = prepare(count)

    started = time.perf_counter()
    with transaction.atomic():
        from chorus.bulletin.models import BulletinIssue, IssueStatus
        from chorus.bulletin.services.lifecycle import deliveries_freeze

        issue = BulletinIssue.objects.get(pk=issue_id)
        frozen = deliveries_freeze(issue=issue)
        BulletinIssue.objects.filter(pk=issue_id).update(
            status=IssueStatus.SENDING, sending_revision_id=issue.live_revision_id
        )
    freeze_seconds = time.perf_counter() - started

    env = {**os.environ, "BULLETIN_CONCURRENCY": str(args.workers)}
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "send_bulletin_batches",
        "--issue",
        str(issue_id),
        "--batch-size",
        str(args.batch_size),
        "--rate",
        str(args.rate),
        "--concurrency",
        str(args.workers),
        "--poll",
        "0.2",
    ]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(args.workers)]
    first_message_at: float | None = None
    peaks = []
    worker_cpu = 0.0
    while smtp.accepted == 0 and all(worker.poll() is None for worker in workers):
        time.sleep(0.01)
    first_message_at = time.perf_counter()
    for worker in workers:
        _, status, usage = os.wait4(worker.pid, 0)
        worker.returncode = os.waitstatus_to_exitcode(status)
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
        worker_cpu += usage.ru_utime + usage.ru_stime
    finished = time.perf_counter()
    sink_cpu = smtp.stop()
    own = resource.getrusage(resource.RUSAGE_SELF)

    from chorus.bulletin.models import Delivery, DeliveryStatus

    sent = smtp.accepted
    marked_sent = Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.SENT).count()
    sending_seconds = finished - first_message_at
    print(f"subscribers:                 {count}")
    print(f"recipients frozen:           {frozen} in {freeze_seconds:.2f} s")
    print(f"workers:                     {args.workers} (batch size {args.batch_size})")
    print(f"SMTP server:                 {smtp.name}")
    print(f"messages accepted by SMTP:   {sent}")
    print(f"wall time incl. start-up:    {finished - started:.2f} s")
    print(f"messages/second (sending):   {sent / sending_seconds:.0f}")
    print(f"peak RSS per worker (MiB):   {', '.join(f'{peak:.0f}' for peak in peaks)}")
    # Where the CPU went: the workers, the SMTP server, or this process (with aiosmtpd, both in one).
    print(f"worker CPU per message (ms): {1000 * worker_cpu / max(1, sent):.2f} (incl. start-up)")
    if sink_cpu is None:
        print(f"bench+SMTP server CPU (s):   {own.ru_utime + own.ru_stime:.1f}")
    else:
        print(f"SMTP server CPU (s):         {sink_cpu:.1f}")
        print(f"bench CPU (s):               {own.ru_utime + own.ru_stime:.1f} (set-up, freeze, waiting)")
    if sent != frozen:
        print(f"WARNING: {frozen - sent} messages were not accepted (see the delivery rows)")
    if marked_sent != frozen:
        print(f"WARNING: {frozen - marked_sent} deliveries are not marked sent")
    if any(worker.returncode for worker in workers):
        print("WARNING: a worker exited with an error")


def prepare(count: int) -> int:
    """Ensure `count` active subscribers and a fresh published issue; return the issue id."""
    from django.db import transaction

    from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, Delivery, Subscription, SubscriptionStatus
    from chorus.bulletin.tests.factories import SECTIONS
    from chorus.core.crypto import email_index
    from chorus.pages.demo import ensure_home
    from chorus.people.models import Person

    with transaction.atomic():
        Delivery.objects.all().delete()
        Subscription.objects.update(status=SubscriptionStatus.ACTIVE)
        have = Subscription.objects.count()
        # Bulk-created for speed: the benchmark measures sending, not subscribing.
        for start in range(have, count, 2000):
            emails = [f"bench{n}@example.org" for n in range(start, min(count, start + 2000))]
            people = Person.objects.bulk_create(
                [Person(email=e, email_index=email_index(e), name=f"Member {e[5:-12]}") for e in emails]
            )
            Subscription.objects.bulk_create(
                [Subscription(person=p, status=SubscriptionStatus.ACTIVE) for p in people]
            )
        extra = list(Subscription.objects.order_by("pk").values_list("pk", flat=True)[count:])
        Subscription.objects.filter(pk__in=extra).update(status=SubscriptionStatus.PAUSED)

        home = ensure_home()
        index = BulletinIndexPage.objects.first()
        if index is None:
            index = BulletinIndexPage(title="Members' bulletin", slug="bulletin")
            home.add_child(instance=index)
            index.save_revision().publish()
        issue = BulletinIssue(
            title="Benchmark bulletin", slug=f"bench-{int(time.time())}", intro="Benchmark.", sections=SECTIONS
        )
        index.add_child(instance=issue)
        issue.save_revision().publish()
        return int(issue.pk)


if __name__ == "__main__":
    main()
