"""The load test (`make loadtest`): production's way of serving, measured under load.

    scripts/with-postgres.sh .venv/bin/python scripts/loadtest.py

On the throw-away PostgreSQL server that scripts/with-postgres.sh starts (DATABASE_URL; PG_CTL,
PG_DATA and PG_LOG to restart it) it:

1. migrates and builds the federation's register (scripts/federation.py; 20,000 organisations,
   LOADTEST_ORGANISATIONS for fewer), and adds a member contact for each simulated contact;
2. starts an SMTP server that counts what it receives, two independent groups of gunicorn
   workers (two workers each, CONSORTIUM_ENV=production) on two ports as two hosts would run
   them, a `flask worker` beside each, and haproxy in front of both (round robin, health checks
   on /health): the users reach one address;
3. queues mail for the two workers to share (LOADTEST_MAILS), then runs Locust headless
   (scripts/locustfile.py, LOADTEST_USERS users for LOADTEST_DURATION seconds);
4. runs it again while one gunicorn worker is killed, and again while PostgreSQL restarts
   (LOADTEST_ROBUSTNESS_DURATION seconds each), counting the requests in flight at that moment;
5. checks that nothing was written twice (each approved join request gave one participation,
   each write is in the audit trail once, the unique constraints held), that every write a
   user was told succeeded is there, and that every mail reached the SMTP server once;
6. prints the report (requests per second, p50/p95/p99 per page, failures, how the work split
   between the hosts) and writes it to .loadtest/report.txt beside the logs.

It exits non-zero when a check fails, the first run had a failed request, or a robustness run
lost more requests than were in flight.
"""

from __future__ import annotations

import csv
import email
import json
import os
import random
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / ".loadtest"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

MAIL_SUBJECT = "Load test message"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


@dataclass(frozen=True)
class Settings:
    organisations: int = _int("LOADTEST_ORGANISATIONS", 20_000)
    duration: int = _int("LOADTEST_DURATION", 120)
    robustness_duration: int = _int("LOADTEST_ROBUSTNESS_DURATION", 60)
    users: int = _int("LOADTEST_USERS", 50)
    contacts: int = _int("LOADTEST_CONTACTS", 20)
    mails: int = _int("LOADTEST_MAILS", 300)
    workers_per_host: int = _int("LOADTEST_WORKERS_PER_HOST", 2)

    @property
    def participations(self) -> int:
        return 50_000 * self.organisations // 20_000


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the register ---------------------------------------------------------------------------


# The simulated contacts' password: a throw-away register's accounts.
CONTACT_PASSWORD = "load test contact, not a secret"  # noqa: S105


def build_register(settings: Settings, database_url: str):
    """The federation's register (scripts/federation.py), the simulated contacts, and what
    the users need to know; with a line saying what was built."""
    import federation

    app = federation.make_app(database_url)
    with app.app_context():
        counts = federation.Counts(
            organisations=settings.organisations, participations=settings.participations
        )
        summary = federation.build(counts, workers=federation.WORKERS)
        for line in summary.lines():
            say("  " + line)
        secretariat = {"email": federation.SECRETARIAT, "password": federation.PASSWORD}
        register = (
            f"{summary.organisations:,} organisations, {summary.products:,} products, "
            f"{summary.participations:,} participations"
        )
        data = _contacts_and_data(settings) | {"secretariat": secretariat}
    return app, data, register


def _contacts_and_data(settings: Settings) -> dict:
    """A member contact for each simulated contact (organisations spread over the register),
    and the rest of what the locustfile reads."""
    from sqlalchemy import select

    from consortium.auth import services as auth
    from consortium.extensions import db
    from consortium.members import services as members
    from consortium.members.models import Organisation, OrganisationContact
    from consortium.products.models import Product

    ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    taken = set(db.session.scalars(select(OrganisationContact.organisation_id)))
    free = [organisation_id for organisation_id in ids if organisation_id not in taken]
    contacts = []
    for number in range(min(settings.contacts, len(free))):
        organisation_id = free[number * len(free) // settings.contacts]
        address = f"load.contact.{number + 1}@federation.example.org"
        user = auth.create_user(address, f"Load contact {number + 1}", password=CONTACT_PASSWORD)
        members.add_contact(db.session.get(Organisation, organisation_id), user.id, "primary")
        contacts.append(
            {"email": address, "password": CONTACT_PASSWORD, "organisation": organisation_id}
        )
    db.session.commit()
    return {
        "contacts": contacts,
        "organisations": [ids[0], ids[-1]],
        "products": list(db.session.scalars(select(Product.slug).order_by(Product.id))),
    }


def queue_mail(app, count: int) -> None:
    """Mail for the workers of both hosts to send, queued as the app queues it."""
    from consortium.extensions import db
    from consortium.mail.services import queue_message

    with app.app_context():
        app.config["MAIL_OUTBOX"] = False  # queued for sending, not kept
        try:
            for number in range(count):
                queue_message(
                    f"member-{number + 1}@federation.example.org",
                    f"{MAIL_SUBJECT} {number + 1}",
                    "Sent by one of the two hosts' workers, once.",
                )
            db.session.commit()
        finally:
            app.config["MAIL_OUTBOX"] = True


# --- the SMTP server ------------------------------------------------------------------------


class MailSink:
    """An SMTP server that keeps who sent each message (which host's worker) and its subject."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received.append((envelope.mail_from, str(message["Subject"] or "")))
        return "250 Message accepted"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


# --- the hosts and the balancer -------------------------------------------------------------


@dataclass
class Host:
    """One host: a group of gunicorn workers and a `flask worker` beside it."""

    name: str
    port: int
    environment: dict[str, str]
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    log: Path = field(default_factory=Path)

    def start(self) -> None:
        self.log = OUT / f"host-{self.name}.log"
        output = self.log.open("ab")
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.worker = subprocess.Popen(
            [str(BIN / "flask"), "worker", "--interval", "1"],
            cwd=ROOT,
            env=self.environment,
            stdout=(OUT / f"worker-{self.name}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def worker_ready(self) -> bool:
        """Whether the `flask worker` has started and looks for work."""
        log = OUT / f"worker-{self.name}.log"
        return "running jobs and sending mail" in log.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        """The pids of the gunicorn master's workers."""
        if self.server is None:
            return []
        found = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.server.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(pid) for pid in found.stdout.split()]

    def requests_served(self) -> int:
        """The requests in the access log, the balancer's health checks left out."""
        count = 0
        with self.log.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if line.startswith("{") and '"status"' in line and '"/health"' not in line:
                    count += 1
        return count

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.server, self.worker):
            if process is None:
                continue
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Balancer:
    """haproxy: one address, round robin over the hosts, health checks on /health."""

    def __init__(self, hosts: list[Host], workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        self.socket = OUT / "haproxy.sock"
        self.hosts = hosts
        self.process: subprocess.Popen | None = None

    def config(self) -> str:
        # Each host is given as many requests at once as it has workers; the others wait in
        # the balancer's queue, so that a health check never waits behind a crowd at a host
        # (a host whose checks time out is taken out, and its share answered 503).
        servers = "\n".join(
            f"    server {host.name} 127.0.0.1:{host.port} maxconn {self.workers} "
            "check inter 2s fall 3 rise 2"
            for host in self.hosts
        )
        return f"""global
    maxconn 500
    stats socket {self.socket} mode 600 level admin

defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    timeout check 10s
    timeout queue 120s
    # A request is sent again only when it never reached a host (no connection).
    retries 2
    option redispatch

frontend web
    bind 127.0.0.1:{self.port}
    default_backend hosts

backend hosts
    balance roundrobin
    option forwardfor
    option httpchk GET /health
    http-check expect status 200
{servers}
"""

    def start(self) -> None:
        path = OUT / "haproxy.cfg"
        path.write_text(self.config())
        self.process = subprocess.Popen(
            [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", str(path)],
            stdout=(OUT / "haproxy.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stats(self) -> dict[str, dict[str, str]]:
        """haproxy's figures per server of the backend: status, scur (in flight now) …"""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(str(self.socket))
            connection.sendall(b"show stat\n")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        lines = answer.decode().lstrip("# ").splitlines()
        rows = csv.DictReader(line for line in lines if line)
        return {
            row["svname"]: row
            for row in rows
            if row["pxname"] == "hosts" and row["svname"] not in ("BACKEND", "FRONTEND")
        }

    def running(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise SystemExit(f"haproxy stopped: see {OUT / 'haproxy.log'}")
        return True

    def queued(self) -> int:
        return sum(int(row["qcur"] or 0) for row in self.stats().values())

    def in_flight(self) -> int:
        return sum(int(row["scur"] or 0) for row in self.stats().values())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            ready = check()
        except (OSError, urllib.error.URLError, KeyError, ValueError):
            ready = False  # not answering yet
        if ready:
            return
        time.sleep(0.5)
    raise SystemExit(f"Gave up waiting for {what} after {seconds:.0f} s")


def healthy(url: str) -> bool:
    with urllib.request.urlopen(url + "/health", timeout=5) as response:  # noqa: S310 - loopback
        return bool(response.status == 200)


# --- the runs -------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    duration: int
    prefix: Path
    event: str = ""
    # The requests at the hosts when it happened (haproxy's count), and those waiting in the
    # balancer's queue for a free worker.
    in_flight: int | None = None
    queued: int | None = None
    where: str = ""
    pages: list[dict[str, str]] = field(default_factory=list)
    total: dict[str, str] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return int(self.total.get("Failure Count", "0") or 0)


def run_locust(
    run: Run,
    settings: Settings,
    url: str,
    data_file: Path,
    ledger: Path,
    hosts: list[Host],
    happening: Callable[[Run], None] | None = None,
) -> None:
    before = {host.name: host.requests_served() for host in hosts}
    environment = os.environ | {"LOADTEST_DATA": str(data_file), "LOADTEST_LEDGER": str(ledger)}
    say(f"Run “{run.name}”: {settings.users} users for {run.duration} s")
    locust = subprocess.Popen(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            "--headless",
            "--users",
            str(settings.users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{run.duration}s",
            "--host",
            url,
            "--csv",
            str(run.prefix),
            "--only-summary",
            "--stop-timeout",
            "30",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=environment,
        stdout=(OUT / f"{run.prefix.name}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    if happening is not None:
        time.sleep(run.duration / 2)
        happening(run)
    locust.wait()
    time.sleep(1)  # the access logs' last lines
    run.served = {host.name: host.requests_served() - before[host.name] for host in hosts}
    with open(f"{run.prefix}_stats.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    run.pages = [row for row in rows if row["Name"] != "Aggregated"]
    run.total = next(row for row in rows if row["Name"] == "Aggregated")
    with open(f"{run.prefix}_failures.csv", encoding="utf-8") as file:
        run.failures = list(csv.DictReader(file))
    say(
        f"  {run.total['Request Count']} requests, {float(run.total['Requests/s']):.1f}/s, "
        f"{run.failed} failed"
    )


def kill_a_worker(host: Host, balancer: Balancer) -> Callable[[Run], None]:
    def happening(run: Run) -> None:
        pid = random.choice(host.worker_pids())  # noqa: S311
        run.in_flight = int(balancer.stats()[host.name]["scur"] or 0)
        run.queued = balancer.queued()
        # A synchronous worker serves one request at a time.
        run.where = f"at host {host.name}, of which the killed worker was serving at most one"
        os.kill(pid, signal.SIGKILL)
        run.event = (
            f"gunicorn worker {pid} of host {host.name} killed (SIGKILL) after "
            f"{run.duration // 2} s; its master started another"
        )
        say("  " + run.event)

    return happening


def restart_database(balancer: Balancer) -> Callable[[Run], None]:
    def happening(run: Run) -> None:
        command = shlex.split(os.environ["PG_CTL"]) + [
            "-D",
            os.environ["PG_DATA"],
            "-l",
            os.environ["PG_LOG"],
            "-w",
            "-m",
            "fast",
            "restart",
        ]
        run.in_flight = balancer.in_flight()
        run.queued = balancer.queued()
        run.where = "at the hosts"
        started = time.monotonic()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        run.event = (
            f"PostgreSQL restarted (pg_ctl restart -m fast) after {run.duration // 2} s; "
            f"it was away for {time.monotonic() - started:.1f} s"
        )
        say("  " + run.event)

    return happening


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Check:
    what: str
    passed: bool
    detail: str = ""


def check_data(app, ledger: Path, before: dict[str, int], started: datetime) -> list[Check]:
    """Nothing written twice, every confirmed write there, the unique constraints held."""
    from sqlalchemy import func, select

    from consortium.audit.models import AuditEntry
    from consortium.extensions import db
    from consortium.participation.models import Participation, ParticipationRequest

    confirmed = [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
    checks: list[Check] = []
    with app.app_context():
        # The requests the users made, and those the secretariat approved during the runs
        # (the register may hold pending requests of its own).
        requests = list(
            db.session.scalars(
                select(ParticipationRequest).where(ParticipationRequest.id > before["request"])
            )
        )
        approved = list(
            db.session.scalars(
                select(ParticipationRequest).where(
                    ParticipationRequest.kind == "join",
                    ParticipationRequest.status == "approved",
                    ParticipationRequest.decided_at >= started,
                )
            )
        )
        participations = list(
            db.session.scalars(
                select(Participation).where(Participation.id > before["participation"])
            )
        )
        # Each approved join request gave exactly one participation, and nothing else made one.
        made_from = Counter((p.organisation_id, p.product_id, p.starts_on) for p in participations)
        wrong = [
            item.id
            for item in approved
            if item.participation_id is None
            or made_from[(item.organisation_id, item.product_id, item.starts_on)] != 1
        ]
        checks.append(
            Check(
                "each approved join request gave exactly one participation",
                not wrong and len(participations) == len(approved),
                f"{len(requests)} join requests made, {len(approved)} approved, "
                f"{len(participations)} participations made"
                + (f"; wrong: requests {wrong[:10]}" if wrong else ""),
            )
        )

        def audit(record_type: str, action: str, ids: list[int]) -> Counter:
            rows = db.session.execute(
                select(AuditEntry.record_id, AuditEntry.changes).where(
                    AuditEntry.record_type == record_type,
                    AuditEntry.action == action,
                    AuditEntry.record_id.in_([str(i) for i in ids]),
                )
            ).all()
            return Counter(
                record_id
                for record_id, changes in rows
                if action == "create" or (changes.get("status") or {}).get("new") == "approved"
            )

        request_ids = [item.id for item in requests]
        created = audit("participation_request", "create", request_ids)
        decided = audit("participation_request", "update", [item.id for item in approved])
        made = audit("participation", "create", [p.id for p in participations])
        twice = [
            f"{kind} {record_id}×{count}"
            for kind, counter in (
                ("request", created),
                ("approval", decided),
                ("participation", made),
            )
            for record_id, count in counter.items()
            if count != 1
        ]
        missing = (
            len(request_ids)
            - len(created)
            + len(approved)
            - len(decided)
            + len(participations)
            - len(made)
        )
        checks.append(
            Check(
                "every write the users made is in the audit trail once",
                not twice and missing == 0,
                f"{sum(created.values())} requests, {sum(decided.values())} approvals, "
                f"{sum(made.values())} participations audited"
                + (f"; twice: {twice[:10]}" if twice else "")
                + (f"; {missing} missing" if missing else ""),
            )
        )

        # What a user was told had succeeded is there.
        pairs = {(item.organisation_id, item.product_id) for item in requests}
        approved_ids = {item.id for item in approved}
        joins = [c for c in confirmed if c["kind"] == "join"]
        approvals = [c for c in confirmed if c["kind"] == "approve"]
        lost = [c for c in joins if (c["organisation"], c["product"]) not in pairs]
        lost += [c for c in approvals if c["request"] not in approved_ids]
        refused = sum(1 for c in confirmed if c["kind"] == "approve refused")
        unanswered = len(requests) - len({(c["organisation"], c["product"]) for c in joins})
        checks.append(
            Check(
                "every write a user was told succeeded is in the database",
                not lost,
                f"{len(joins)} join requests and {len(approvals)} approvals confirmed to users; "
                f"{refused} approvals refused as already decided (two secretariat users on one "
                f"request); {unanswered} requests written whose answer did not reach the user"
                + (f"; lost: {lost[:10]}" if lost else ""),
            )
        )

        # The unique constraints held: one pending request and one open participation per
        # organisation and product.
        doubles = db.session.execute(
            select(func.count()).select_from(
                select(ParticipationRequest.organisation_id, ParticipationRequest.product_id)
                .where(
                    ParticipationRequest.status == "pending", ParticipationRequest.kind == "join"
                )
                .group_by(ParticipationRequest.organisation_id, ParticipationRequest.product_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
        doubles += db.session.execute(
            select(func.count()).select_from(
                select(Participation.organisation_id, Participation.product_id)
                .where(Participation.ends_on.is_(None))
                .group_by(Participation.organisation_id, Participation.product_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
        checks.append(
            Check(
                "the unique constraints held (one pending request, one open participation "
                "per organisation and product)",
                doubles == 0,
                f"{doubles} doubles",
            )
        )
        db.session.remove()
    return checks


def check_mail(app, sink: MailSink, mails: int) -> tuple[Check, Counter]:
    """Every message the outbox holds as sent reached the SMTP server once; which host sent it."""
    from sqlalchemy import func, select

    from consortium.extensions import db
    from consortium.mail.models import OutboxMessage

    with app.app_context():
        statuses = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        db.session.remove()
    with sink.lock:
        received = list(sink.received)
    subjects = Counter(subject for _sender, subject in received)
    queued = [f"{MAIL_SUBJECT} {number + 1}" for number in range(mails)]
    twice = [
        subject
        for subject, count in subjects.items()
        if count > 1 and subject.startswith(MAIL_SUBJECT)
    ]
    missing = [subject for subject in queued if subjects[subject] == 0]
    sent = statuses.get("sent", 0)
    by_host = Counter(sender.split("@")[0] for sender, _subject in received)
    passed = not twice and not missing and len(received) == sent and not statuses.get("queued")
    return (
        Check(
            "every mail was sent exactly once",
            passed,
            f"{len(received)} messages received, {sent} marked sent in the outbox "
            f"({mails} queued before the runs, {sent - mails} written by the users' actions); "
            f"still queued {statuses.get('queued', 0)}, failed {statuses.get('failed', 0)}"
            + (f"; twice: {twice[:5]}" if twice else "")
            + (f"; never arrived: {missing[:5]}" if missing else ""),
        ),
        by_host,
    )


def outbox_empty(app) -> bool:
    from sqlalchemy import func, select

    from consortium.extensions import db
    from consortium.mail.models import OutboxMessage

    with app.app_context():
        left = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "queued")
        )
        db.session.remove()
    return left == 0


def high_water(app) -> dict[str, int]:
    from sqlalchemy import func, select

    from consortium.extensions import db
    from consortium.participation.models import Participation, ParticipationRequest

    with app.app_context():
        marks = {
            "request": db.session.scalar(select(func.max(ParticipationRequest.id))) or 0,
            "participation": db.session.scalar(select(func.max(Participation.id))) or 0,
        }
        db.session.remove()
    return marks


# --- the report -----------------------------------------------------------------------------


def _ms(value: str) -> str:
    return "–" if value in ("", "N/A") else f"{float(value):,.0f}"


def report(
    settings: Settings,
    register: str,
    runs: list[Run],
    checks: list[Check],
    mail_by_host: Counter,
) -> str:
    lines = [
        "consortium load test",
        f"  {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores; register: {register}",
        f"  2 hosts × {settings.workers_per_host} gunicorn workers behind haproxy (round robin), "
        f"a `flask worker` on each, one PostgreSQL; {settings.users} Locust users",
        "",
    ]
    for run in runs:
        total = run.total
        lines.append(
            f"Run “{run.name}” ({run.duration} s): {total['Request Count']} requests, "
            f"{float(total['Requests/s']):.1f} requests/s, {run.failed} failed"
        )
        if run.event:
            lines.append(f"  {run.event}")
            lines.append(
                f"  requests in flight at that moment: {run.in_flight} {run.where}; "
                f"{run.queued} more waited in the balancer's queue for a free worker"
            )
            lines.append(
                f"  failed: {run.failed} "
                + (
                    "(no more than were in flight)"
                    if run.failed <= (run.in_flight or 0)
                    else "(MORE than were in flight)"
                )
            )
        lines.append(
            "  served by host "
            + ", ".join(f"{name}: {count}" for name, count in sorted(run.served.items()))
        )
        lines.append(
            f"  {'page':<22} {'requests':>8} {'failed':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        for row in [*sorted(run.pages, key=lambda r: r["Name"]), total]:
            lines.append(
                f"  {row['Name'][:22]:<22} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{float(row['Requests/s']):>6.1f} {_ms(row['50%']):>7} {_ms(row['95%']):>7} "
                f"{_ms(row['99%']):>7}"
            )
        for failure in run.failures:
            lines.append(
                f"  failed: {failure['Occurrences']}× {failure['Method']} {failure['Name']}: "
                f"{failure['Error'][:160]}"
            )
        lines.append("")
    lines.append(
        "Mail sent by the workers: "
        + ", ".join(f"{sender}: {count}" for sender, count in sorted(mail_by_host.items()))
    )
    lines.append("Checks:")
    for check in checks:
        lines.append(f"  {'ok  ' if check.passed else 'FAIL'} {check.what}: {check.detail}")
    return "\n".join(lines) + "\n"


# --- the whole ------------------------------------------------------------------------------


def main() -> int:
    settings = Settings()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql") or not os.environ.get("PG_CTL"):
        raise SystemExit("Run it through scripts/with-postgres.sh (or `make loadtest`).")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()

    say(f"Building the register ({settings.organisations:,} organisations)")
    started = time.monotonic()
    app, data, register = build_register(settings, database_url)
    register += f" (built in {time.monotonic() - started:.0f} s)"
    data_file = OUT / "users.json"
    data_file.write_text(json.dumps(data))
    ledger = OUT / "confirmed.jsonl"
    ledger.touch()

    sink = MailSink()
    sink.start()
    balancer_port = free_port()
    common = os.environ | {
        "CONSORTIUM_ENV": "production",
        "FLASK_APP": "consortium",
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": secrets.token_hex(32),
        "BASE_URL": f"http://127.0.0.1:{balancer_port}",
        # A local trial over plain HTTP: the session cookie is not Secure.
        "INSECURE_COOKIES": "1",
        # haproxy in front: the client's address comes from X-Forwarded-For.
        "PROXY_COUNT": "1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(sink.port),
        "WEB_CONCURRENCY": str(settings.workers_per_host),
    }
    # The association's seal for agreement PDFs (approving a join request makes one): the same
    # key and certificate on every host, as production needs them.
    from consortium.agreements.sealing import ensure_development_seal

    seal_key, seal_cert = ensure_development_seal(OUT / "seal", "Federation (load test)")
    common |= {"AGREEMENT_SEAL_KEY": seal_key, "AGREEMENT_SEAL_CERT": seal_cert}
    hosts = []
    for name in ("a", "b"):
        port = free_port()
        hosts.append(
            Host(
                name,
                port,
                common
                | {
                    "GUNICORN_BIND": f"127.0.0.1:{port}",
                    # Which host's worker sent a message, as the SMTP server sees it.
                    "MAIL_DEFAULT_SENDER": f"host-{name}@federation.example.org",
                },
            )
        )
    balancer = Balancer(hosts, settings.workers_per_host)
    balancer.port = balancer_port
    url = f"http://127.0.0.1:{balancer_port}"
    runs: list[Run] = []
    try:
        for host in hosts:
            host.start()
        balancer.start()
        wait_until(
            lambda: (
                all(row["status"] == "UP" for row in balancer.stats().values()) and healthy(url)
            ),
            90,
            "both hosts to answer /health",
        )
        say(f"Serving on {url}: hosts a and b up")
        marks = high_water(app)
        runs_started = datetime.now(UTC)
        queue_mail(app, settings.mails)
        say(f"Queued {settings.mails} mails for the two workers")

        steady = Run("steady", settings.duration, OUT / "steady")
        run_locust(steady, settings, url, data_file, ledger, hosts)
        runs.append(steady)
        killed = Run("worker killed", settings.robustness_duration, OUT / "worker-killed")
        run_locust(
            killed, settings, url, data_file, ledger, hosts, kill_a_worker(hosts[0], balancer)
        )
        runs.append(killed)
        restart = Run("database restart", settings.robustness_duration, OUT / "database-restart")
        run_locust(restart, settings, url, data_file, ledger, hosts, restart_database(balancer))
        runs.append(restart)

        say("Waiting for the workers to send the last mail")
        wait_until(lambda: outbox_empty(app), 120, "the outbox to empty")
    finally:
        balancer.stop()
        for host in hosts:
            host.stop()
        sink.stop()

    checks = check_data(app, ledger, marks, runs_started)
    mail_check, mail_by_host = check_mail(app, sink, settings.mails)
    checks.append(mail_check)
    text = report(settings, register, runs, checks, mail_by_host)
    (OUT / "report.txt").write_text(text)
    print()
    print(text)
    print(f"Report written to {OUT / 'report.txt'}; logs beside it.")
    passed = (
        all(check.passed for check in checks)
        and steady.failed == 0
        and all(run.failed <= (run.in_flight or 0) for run in runs[1:])
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
