"""Load and faults: gunicorn + PostgreSQL + Redis + a Celery worker, under load, then broken on purpose.

    .venv/bin/python benchmarks/load_and_faults.py                # 50 clients, 2 phases of 60 s
    .venv/bin/python benchmarks/load_and_faults.py --seconds 20   # the quick run (about 2 minutes)

A script, not a timed test (issue 12, item 9). It needs PostgreSQL (DATABASE_URL names the server;
default postgres://postgres@127.0.0.1:5432/postgres) and Redis (REDIS_URL, default
redis://127.0.0.1:6379; databases 10 and 11 are used for the cache and the broker, and a queue name
of its own keeps other workers off its tasks). It:

1. creates its own database (tracker_load_<pid>), migrates it, loads `seed_demo` and makes API tokens
   for the demo agency's staff; starts gunicorn (production-like: DEBUG off, a random SECRET_KEY)
   and a Celery worker on free ports;
2. loads the API: N clients (threads) for D seconds, 70% reads (supplement list with filters, case
   list, a supplement's detail), 30% writes (comments, replies, small PDF uploads, new supplements),
   in phases (--pause): by default first as people who pause about a second between requests, then
   as clients that never pause (saturation: every client always waiting, so latency is clients ÷
   throughput and measures the machine's capacity rather than the service's response time).
   The API throttles are raised for the run (API_THROTTLE_USER/TOKEN) so the figures measure the
   service, not the limit. Prints requests, errors by status, p50/p95/p99 overall and by kind, and
   checks every acknowledged write is in the database;
3. breaks things one at a time, each on a gunicorn of its own, and prints what users got: the cache
   Redis unreachable, the broker unreachable (a reminder), the database unreachable, the worker
   killed (kill -9) in the middle of a pack job and started again;
4. stops everything it started and drops its database (--keep keeps the database).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MARK = f"load-{os.getpid()}-{secrets.token_hex(3)}"  # finds this run's rows afterwards


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    # A port nothing listens on: bound and released, so connecting is refused at once.
    return free_port()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _tree(pid: int) -> list[int]:
    # The process and its descendants (Linux /proc): gunicorn's workers, celery's pool.
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def cpu_seconds(pid: int, *, tree: bool = True) -> float:
    """CPU time (user + system) the process (and its tree) has used so far; 0 off Linux."""
    total = 0
    for each in _tree(pid) if tree else [pid]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, every process counted."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = ticks[3] + ticks[4]  # idle, iowait
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


class Stack:
    """The database, the environment and the processes this run starts (and stops)."""

    def __init__(self, args: argparse.Namespace) -> None:
        server = urlsplit(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        )
        self.db_name = f"tracker_load_{os.getpid()}"
        self.admin_url = urlunsplit(server._replace(path="/postgres"))
        self.db_url = urlunsplit(server._replace(path=f"/{self.db_name}"))
        redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
        self.data_dir = tempfile.mkdtemp(prefix="tracker-load-")
        self.queue = f"load_{os.getpid()}"
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "STATIC_MANIFEST": "0",  # no collectstatic in its data folder
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "http://127.0.0.1",
            "DATABASE_URL": self.db_url,
            "CACHE_URL": f"{redis}/10",
            "CELERY_BROKER_URL": f"{redis}/11",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "TRACKER_DATA_DIR": self.data_dir,
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "WARNING",
            # Raised for the run: the default 120-240/minute per token would answer 429 to most of
            # the load, which would measure the limit rather than the service.
            "API_THROTTLE_USER": "1000000/minute",
            "API_THROTTLE_TOKEN": "1000000/minute",
        }
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.procs: list[subprocess.Popen] = []
        self.workers = args.workers
        self.worker: subprocess.Popen | None = None

    # -- database ----------------------------------------------------------------------------
    def admin_sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def manage(self, *argv: str, env: dict | None = None, code: str | None = None) -> str:
        command = [PYTHON, "manage.py", *argv]
        if code is not None:
            command += ["shell", "-c", code]
        done = subprocess.run(
            command, cwd=ROOT, env=env or self.env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(argv) or 'shell'} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell_json(self, code: str, env: dict | None = None) -> object:
        # The snippet prints one JSON line last; the shell's own banner goes before it.
        out = self.manage(code=code, env=env)
        return json.loads(out.strip().splitlines()[-1])

    def backends(self) -> list[int]:
        """The PostgreSQL server processes serving this run's database (they are not our
        children: the server forks them)."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.db_name],
            ).fetchall()
        return [pid for (pid,) in rows]

    # -- processes -----------------------------------------------------------------------------
    def gunicorn(
        self, *, env: dict | None = None, workers: int | None = None
    ) -> tuple[str, object]:
        port = free_port()
        with open(Path(self.data_dir) / "gunicorn.log", "a") as log:  # Popen keeps its own copy
            proc = subprocess.Popen(
                [
                    PYTHON, "-m", "gunicorn", "--config", "python:tracker.gunicorn_conf",
                    "tracker.wsgi",
                    "--bind", f"127.0.0.1:{port}",
                    "--workers", str(workers or self.workers),
                    "--timeout", "60", "--log-level", "warning",
                ],
                cwd=ROOT, env=env or self.env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        self.procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # ready when it answers at all (503 counts)
            try:
                requests.get(f"{base}/healthz", timeout=5)
                return base, proc
            except requests.RequestException:  # not listening yet, or a busy machine's slow start
                time.sleep(0.2)
        sys.exit("gunicorn did not start; see gunicorn.log in " + self.data_dir)

    def start_worker(self) -> subprocess.Popen:
        with open(Path(self.data_dir) / "worker.log", "a") as log:
            proc = subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "tracker", "worker", "--loglevel", "WARNING",
                 "--concurrency", "1", "-Q", self.queue, "-n", f"{self.queue}@%h"],
                cwd=ROOT, env=self.env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        self.procs.append(proc)
        self.worker = proc
        return proc

    def stop(self, proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        # The process group: gunicorn's and celery's children go with their parent.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def teardown(self, keep: bool) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.stop(proc)
        import redis as redis_client

        # Only this run's keys: the queue and its own Celery bookkeeping in the broker database.
        broker = redis_client.Redis.from_url(self.env["CELERY_BROKER_URL"])
        for key in broker.scan_iter(f"*{self.queue}*"):  # the queue and kombu's bindings of it
            broker.delete(key)
        # The killed worker's unacknowledged message would come back to a queue nobody reads.
        for tag, entry in broker.hgetall("unacked").items():
            with contextlib.suppress(ValueError, IndexError, TypeError):
                if json.loads(entry)[2] == self.queue:
                    broker.hdel("unacked", tag)
                    broker.zrem("unacked_index", tag)
        if not keep:
            self.admin_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


SETUP = """
import json
from django.contrib.auth import get_user_model
from integrations.services import token_create
keys = []
for name in ("agency-staff", "agency-admin"):
    user = get_user_model().objects.get(username=name)
    keys += [token_create(user=user, name=f"load {i}")[1] for i in range(5)]
print(json.dumps(keys))
"""

VERIFY = """
import json
from cases.models import Document, ReviewerComment, SupplementRequest
ids = json.loads(%r)
replies = ids["replies"]
found = {
    "comment": ReviewerComment.objects.filter(pk__in=ids["comment"], text__startswith=%r).count(),
    "upload": Document.objects.filter(pk__in=ids["upload"]).count(),
    "create": SupplementRequest.objects.filter(pk__in=ids["create"]).count(),
    "reply": sum(
        1 for pk, text in SupplementRequest.objects.filter(pk__in=replies).values_list("pk", "reply")
        if text == replies[str(pk)]
    ),
}
print(json.dumps(found))
"""


def tiny_pdf(text: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (200, 280), 255).save(buffer, "PDF", title=text)
    return buffer.getvalue()


class Load:
    """The clients: each owns the supplements it creates (its replies never race another
    client's, so every acknowledged reply must be the one stored) and reads everything."""

    def __init__(
        self, base: str, keys: list[str], supplements: list[int], cases: list[int], pause: float
    ):
        self.base = base
        self.pause = pause
        self.keys = keys
        self.supplements = supplements
        self.cases = cases
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: collections.Counter = collections.Counter()
        self.errors: collections.Counter = collections.Counter()
        self.written: dict[str, list[int]] = collections.defaultdict(list)
        self.replies: dict[int, str] = {}
        self.seq = 0

    def call(self, session, kind, method, path, ok=(200, 201, 202), **kw):
        start = time.perf_counter()
        try:
            response = session.request(method, self.base + path, timeout=30, **kw)
            code = response.status_code
        except requests.RequestException as error:
            response, code = None, type(error).__name__
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latency[kind].append(elapsed)
            self.statuses[code] += 1
            if code not in ok:
                self.errors[(kind, code)] += 1
        return response if code in ok else None

    def next_mark(self, kind: str) -> str:
        with self.lock:
            self.seq += 1
            # The phase in it too: a second phase's Idempotency-Keys must not reuse the first's.
            return f"{MARK} p{self.pause:g} {kind} {self.seq}"

    def create(self, session, own: list[int], rng: random.Random) -> None:
        # A new notice on a case; notice dates vary so the rounds do not collide.
        body = {
            "case": rng.choice(self.cases),
            "requesting_body": "wda",
            "notice_date": f"2026-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}",
            "rule": "30d",
        }
        key = {"Idempotency-Key": self.next_mark("create").replace(" ", "-")}
        response = self.call(
            session, "create", "POST", "/api/v1/supplements/", json=body, headers=key
        )
        if response is not None:
            pk = response.json()["id"]
            own.append(pk)
            with self.lock:
                self.written["create"].append(pk)

    def client(self, index: int, until: float) -> None:
        rng = random.Random(f"{index} {self.pause}")
        session = requests.Session()
        # No proxy or ~/.netrc look-ups per request (trust_env): they cost the load generator more
        # CPU than the server spends answering, on the same two cores.
        session.trust_env = False
        session.headers["Authorization"] = f"Token {self.keys[index % len(self.keys)]}"
        own: list[int] = []
        pdf = tiny_pdf(MARK)
        while time.monotonic() < until:
            if self.pause:  # a person between two clicks: 0.5 to 1.5 times the pause
                time.sleep(self.pause * rng.uniform(0.5, 1.5))
            roll = rng.random()
            target = rng.choice(self.supplements)
            if roll < 0.30:
                state = rng.choice(["", "&state=open", "&overdue=true", "&ordering=deadline"])
                self.call(session, "list", "GET", f"/api/v1/supplements/?page_size=50{state}")
            elif roll < 0.45:
                self.call(session, "cases", "GET", "/api/v1/cases/")
            elif roll < 0.70:
                self.call(session, "detail", "GET", f"/api/v1/supplements/{target}/")
            elif roll < 0.79:
                text = self.next_mark("comment")
                response = self.call(
                    session, "comment", "POST", f"/api/v1/supplements/{target}/comments/",
                    json={"tab": "upload", "text": text},
                )  # fmt: skip
                if response is not None:
                    with self.lock:
                        self.written["comment"].append(response.json()["id"])
            elif roll < 0.86 and own:
                pk = rng.choice(own)
                current = self.call(session, "detail", "GET", f"/api/v1/supplements/{pk}/")
                if current is None:
                    continue
                text = self.next_mark("reply")
                body = {"reply": text, "reply_version": current.json()["reply_version"]}
                if self.call(session, "reply", "PATCH", f"/api/v1/supplements/{pk}/", json=body):
                    with self.lock:
                        self.replies[pk] = text
            elif roll < 0.93:
                response = self.call(
                    session, "upload", "POST", f"/api/v1/supplements/{target}/documents/",
                    files={"file": (f"{self.next_mark('upload')}.pdf", pdf, "application/pdf")},
                )  # fmt: skip
                if response is not None:
                    with self.lock:
                        self.written["upload"].append(response.json()["id"])
            else:
                self.create(session, own, rng)

    def run(self, clients: int, seconds: float) -> float:
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=self.client, args=(i, until)) for i in range(clients)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - start

    def count(self) -> int:
        return sum(len(values) for values in self.latency.values())

    def report(self, elapsed: float) -> None:
        every = [v for values in self.latency.values() for v in values]
        print(f"load: {len(every)} requests in {elapsed:.1f} s ({len(every) / elapsed:.0f}/s)")
        print("status counts:", dict(sorted(self.statuses.items(), key=str)))
        print("errors:", dict(self.errors) or 0)
        print(f"{'kind':<8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        rows = [("all", every), *sorted(self.latency.items())]
        for kind, values in rows:
            print(
                f"{kind:<8} {len(values):>6} {percentile(values, 50) * 1000:>8.0f} "
                f"{percentile(values, 95) * 1000:>8.0f} {percentile(values, 99) * 1000:>8.0f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--pause",
        type=lambda text: [float(part) for part in text.split(",")],
        default=[1.0, 0.0],
        help="the load phases, by the seconds each client waits between requests on average "
        "(default 1,0: people who pause about a second, then clients that never pause, which "
        "measures saturation: latency is then clients / throughput)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-faults", action="store_true", help="the load only")
    args = parser.parse_args()
    started = time.monotonic()
    stack = Stack(args)
    stack.admin_sql(f'CREATE DATABASE "{stack.db_name}"')
    failures: list[str] = []
    try:
        print(f"database {stack.db_name}, data folder {stack.data_dir}")
        stack.manage("migrate", "--noinput", "-v", "0")
        stack.manage("seed_demo")
        keys = stack.shell_json(SETUP)
        base, web = stack.gunicorn()
        stack.start_worker()
        session = requests.Session()
        session.headers["Authorization"] = f"Token {keys[0]}"
        listed = session.get(f"{base}/api/v1/supplements/?state=open&page_size=200").json()
        supplements = [row["id"] for row in listed["results"]]
        cases = [
            row["id"]
            for row in session.get(f"{base}/api/v1/cases/?page_size=200").json()["results"]
        ]
        print(
            f"gunicorn {args.workers} workers at {base}, 1 Celery worker; {len(keys)} tokens, "
            f"{len(supplements)} open supplements, {len(cases)} cases; "
            f"phases: pausing {', '.join(f'{p:g}' for p in args.pause)} s"
        )

        def measured(pause: float) -> None:
            """One load phase: the clients, the CPU each part used, and every write checked."""
            print(
                f"\n== {args.clients} clients for {args.seconds:.0f} s, "
                + (f"each pausing {pause:g} s (0.5-1.5×) between requests" if pause else
                   "never pausing (saturation: latency is then clients / throughput)")
            )  # fmt: skip
            load = Load(base, keys, supplements, cases, pause)
            pids = {"gunicorn": web.pid, "celery worker": stack.worker.pid}

            # PostgreSQL's backends come and go (CONN_MAX_AGE): sampled each second, each counted
            # from its first sample (0 when it started during the load) to its last.
            backend_cpu: dict[int, list[float]] = {}
            sampling = threading.Event()

            def sample_backends() -> None:
                while True:
                    for pid in stack.backends():
                        seconds = cpu_seconds(pid, tree=False)
                        if seconds:
                            backend_cpu.setdefault(pid, [0.0, 0.0])[1] = seconds
                    if sampling.wait(1):
                        return

            def cpu_now() -> dict[str, float]:
                now = {name: cpu_seconds(pid) for name, pid in pids.items()}
                now["clients"] = cpu_seconds(os.getpid(), tree=False)  # not gunicorn, our child
                return now

            before = cpu_now()
            busy_before, total_before = machine_busy()
            for pid in stack.backends():  # those open before the load: counted from now
                backend_cpu[pid] = [cpu_seconds(pid, tree=False)] * 2
            sampler = threading.Thread(target=sample_backends)
            sampler.start()
            load.report(load.run(args.clients, args.seconds))
            sampling.set()
            sampler.join()
            # Where the time went: the CPU each part used during the load, against what the machine
            # had; "other" is everything else running on the machine meanwhile.
            after = cpu_now()
            used = {name: after[name] - before.get(name, 0) for name in after}
            used["PostgreSQL"] = sum(last - first for first, last in backend_cpu.values())
            busy, total = machine_busy()
            used["other"] = busy - busy_before - sum(used.values())
            print(
                "CPU seconds during the load: "
                + ", ".join(f"{name} {seconds:.1f}" for name, seconds in used.items())
                + f"; the machine busy {busy - busy_before:.1f} of {total - total_before:.1f}"
                f" ({os.cpu_count()} cores); gunicorn CPU per request "
                f"{used['gunicorn'] / max(1, load.count()) * 1000:.0f} ms"
            )

            written = {kind: len(ids) for kind, ids in load.written.items()}
            written["reply"] = len(load.replies)
            ids = {**load.written, "replies": {str(k): v for k, v in load.replies.items()}}
            found = stack.shell_json(VERIFY % (json.dumps(ids), MARK))
            lost = {kind: written.get(kind, 0) - found.get(kind, 0) for kind in found}
            print("writes acknowledged:", written)
            print("found in the database:", found)
            print("lost writes:", sum(lost.values()), "" if not any(lost.values()) else lost)
            if any(lost.values()):
                failures.append(f"lost writes (pause {pause:g} s)")
            if load.errors:
                failures.append(f"errors under load (pause {pause:g} s)")

        for pause in args.pause:
            measured(pause)
        stack.stop(web)

        if not args.no_faults:
            failures += faults(stack, keys[0], supplements)
    finally:
        stack.teardown(args.keep)
    print(
        f"\ntotal {time.monotonic() - started:.0f} s;",
        "FAILED: " + ", ".join(failures) if failures else "all checks passed",
    )
    return 1 if failures else 0


def show(label: str, response) -> str:
    try:
        body = response.json()
        detail = body.get("errors", [{}])[0].get("code") or body.get("status") or ""
        if "checks" in body:
            detail = f"{detail} {body['checks']}"
    except ValueError:
        detail = "html" if "<html" in response.text.lower() else response.text[:60]
    line = f"  {label}: {response.status_code} {detail}"
    print(line)
    return line


def faults(stack: Stack, key: str, supplements: list[int]) -> list[str]:
    failures: list[str] = []
    auth = {"Authorization": f"Token {key}"}
    target = supplements[0]

    print("\n== Fault: cache Redis unreachable (CACHE_URL at a closed port)")
    base, web = stack.gunicorn(
        env={**stack.env, "CACHE_URL": f"redis://127.0.0.1:{closed_port()}/0"}, workers=1
    )
    codes = collections.Counter()
    for _ in range(10):
        codes[
            requests.get(
                f"{base}/api/v1/supplements/?page_size=50", headers=auth, timeout=30
            ).status_code
        ] += 1
    response = requests.post(
        f"{base}/api/v1/supplements/{target}/comments/", headers=auth, timeout=30,
        json={"tab": "upload", "text": f"{MARK} cache-down"},
    )  # fmt: skip
    print(f"  10 list reads: {dict(codes)}; a comment: {response.status_code}")
    show("/healthz", requests.get(f"{base}/healthz", timeout=30))
    if set(codes) != {200} or response.status_code != 201:
        failures.append("cache down")
    stack.stop(web)

    print("\n== Fault: broker unreachable (CELERY_BROKER_URL at a closed port), reminders asked")
    base, web = stack.gunicorn(
        env={**stack.env, "CELERY_BROKER_URL": f"redis://127.0.0.1:{closed_port()}/0"}, workers=1
    )
    answers = collections.Counter()
    for pk in supplements[:12]:
        for party in ("applicant", "employer"):
            response = requests.post(
                f"{base}/api/v1/supplements/{pk}/reminders/",
                headers=auth,
                timeout=30,
                json={"party": party},
            )
            body = response.json()
            detail = body[0]["status"] if response.status_code == 202 else body["errors"][0]["code"]
            answers[f"{response.status_code} {detail}"] += 1
    print("  24 reminders:", dict(answers))
    show("/healthz", requests.get(f"{base}/healthz", timeout=30))
    if any(a.startswith("5") for a in answers) or not any(a.startswith("202") for a in answers):
        failures.append("broker down")
    stack.stop(web)

    print("\n== Fault: database unreachable (DATABASE_URL at a closed port)")
    down = urlsplit(stack.db_url)._replace(netloc=f"postgres@127.0.0.1:{closed_port()}")
    base, web = stack.gunicorn(env={**stack.env, "DATABASE_URL": urlunsplit(down)}, workers=1)
    api = requests.get(f"{base}/api/v1/supplements/", headers=auth, timeout=30)
    # A signed-in person: any session cookie makes the page look its session up in the database.
    page = requests.get(
        f"{base}/dashboard/", timeout=30, cookies={"sessionid": "x" * 32}, allow_redirects=False
    )
    show("API GET /api/v1/supplements/", api)
    show("page GET /dashboard/ (signed in)", page)
    show("/healthz", requests.get(f"{base}/healthz", timeout=30))
    if api.status_code != 503 or page.status_code != 503 or "<html" not in page.text.lower():
        failures.append("database down")
    stack.stop(web)

    failures += worker_killed(stack, auth)
    return failures


def noise_jpeg(seed: int) -> bytes:
    from PIL import Image

    # Noise does not compress: a 12-MP photo's worth of work for the packer.
    image = Image.frombytes("RGB", (4000, 3000), random.Random(seed).randbytes(4000 * 3000 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def worker_killed(stack: Stack, auth: dict) -> list[str]:
    print("\n== Fault: worker killed (kill -9) while it packs, then started again")
    base, web = stack.gunicorn(workers=1)
    session = requests.Session()
    session.headers.update(auth)
    cases = session.get(f"{base}/api/v1/cases/?page_size=200").json()["results"]
    pk = None
    for case in cases:  # a fresh supplement, so the set holds only these photos
        response = session.post(
            f"{base}/api/v1/supplements/",
            json={
                "case": case["id"],
                "requesting_body": "wda",
                "notice_date": "2026-11-30",
                "rule": "30d",
            },
        )
        if response.status_code == 201:
            pk = response.json()["id"]
            break
    if pk is None:
        print("  no supplement could be created")
        stack.stop(web)
        return ["worker killed: setup"]
    for seed in range(3):
        response = session.post(
            f"{base}/api/v1/supplements/{pk}/documents/",
            files={"file": (f"photo{seed}.jpg", noise_jpeg(seed), "image/jpeg")},
        )
        if response.status_code != 201:
            print("  upload:", response.status_code, response.text[:200])

    def upload_set(method: str = "GET") -> dict:
        answer = session.request(method, f"{base}/api/v1/supplements/{pk}/upload-set/").json()
        return {**(answer.get("job") or {}), "files": len(answer.get("files") or [])}

    job = upload_set("POST")
    deadline = time.monotonic() + 60
    while job.get("state") != "running" and time.monotonic() < deadline:
        time.sleep(0.1)
        job = upload_set()
    print(f"  job {job.get('id')} {job.get('state')} at {job.get('progress')}%: kill -9 the worker")
    stack.stop(stack.worker, signal.SIGKILL)
    time.sleep(3)
    job = upload_set()
    print(f"  after the kill: {job.get('state')} at {job.get('progress')}%")
    stack.start_worker()
    # What beat's pack_recover_stale does every PACK_RECOVER_SECONDS, with a short staleness so the
    # run need not wait PACK_STALE_SECONDS (15 minutes by default).
    sent = stack.shell_json(
        "import json; from cases.services.packing import pack_recover_stale; "
        "print(json.dumps(pack_recover_stale()))",
        env={**stack.env, "PACK_STALE_SECONDS": "2"},
    )
    print(f"  worker started again; pack_recover_stale sent {sent} job(s) again")
    start = time.monotonic()
    while time.monotonic() - start < 90:
        job = upload_set()
        if job.get("state") in ("done", "failed"):
            break
        time.sleep(0.5)
    print(
        f"  then: job {job.get('id')} {job.get('state')} {time.monotonic() - start:.1f} s later, "
        f"{job.get('files')} file(s) in the upload set"
    )
    stack.stop(web)
    return [] if job.get("state") == "done" else ["worker killed"]


if __name__ == "__main__":
    sys.exit(main())
