"""Load test of a reporting deadline, against gunicorn with 4 workers.

    .venv/bin/python -m bench.load                  # SQLite (the embedded default)
    .venv/bin/python -m bench.load --postgres       # PostgreSQL + Redis, as in production
    .venv/bin/python -m bench.load --seconds 60 --postgres
    .venv/bin/python -m bench.load --postgres --nodes 2 --kill-node-after 20   # two web nodes, one dies

Six parties × five officials open their report and save entries (each official its own
entries) and upload documents; four reviewers read submitted reports and comment; the
secretariat compiles the consolidated PDF. Every request is timed. At the end it prints
requests per second, p50/p99 latency per page type and the error count, and checks that no
acknowledged save was lost, that no response was a 5xx and that the server never logged
"database is locked". During the run it takes a backup, restores it into a fresh instance and
runs verify-storage there.

The client runs in this process (threads, `requests`); everything runs on loopback only, and
the run stops by itself after --seconds.
"""
from __future__ import annotations

import argparse
import html.parser
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PASSWORD = "load test passphrase 2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PARTIES = ("AL", "BA", "XK", "ME", "MK", "RS")
OFFICIALS_PER_PARTY = 5
REVIEWERS = 4
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n")


# --- measuring --------------------------------------------------------------------------------------

@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    server_errors: int = 0

    def record(self, kind: str, seconds: float, problem: str | None = None, status: int = 200) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if problem:
                self.errors[kind].append(problem)
            if status >= 500:
                self.server_errors += 1


class FormParser(html.parser.HTMLParser):
    """The forms of a page: action, and the default value of every field."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": {},
                          "enctype": a.get("enctype", "")}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self._form["fields"][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data


def forms_of(page: str) -> list[dict]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


def form_with(page: str, pattern: str) -> dict:
    for form in forms_of(page):
        if re.search(pattern, form["action"]):
            return form
    raise LookupError(f"no form whose action matches {pattern!r}")


# --- the virtual users --------------------------------------------------------------------------------

class Nodes:
    """The web nodes behind one address: a round robin, as a load balancer would spread requests.
    A node that refuses connections is taken out (a balancer's health check); a request cut off
    in flight is an error of that request, not retried (the balancer would answer 502)."""

    def __init__(self, bases: list[str]) -> None:
        self.bases, self.down, self.turn = list(bases), set(), 0
        self.cut_off = 0
        self.lock = threading.Lock()

    def next(self) -> str:
        with self.lock:
            live = [b for b in self.bases if b not in self.down] or self.bases
            self.turn += 1
            return live[self.turn % len(live)]

    def refused(self, base: str, exc: Exception) -> bool:
        from urllib3.exceptions import NewConnectionError
        reason = exc.args[0] if exc.args else None
        if isinstance(getattr(reason, "reason", None), NewConnectionError) or isinstance(reason, NewConnectionError):
            with self.lock:
                self.down.add(base)
            return len(self.down) < len(self.bases)
        return False


class Client:
    def __init__(self, base: str | Nodes, stats: Stats, email: str, totp: bool = False) -> None:
        self.nodes = base if isinstance(base, Nodes) else Nodes([base])
        self.stats, self.email, self.totp = stats, email, totp
        self.http = requests.Session()

    def _timed(self, kind: str, method: str, path: str, expect=(200, 302), **kw) -> requests.Response | None:
        start = time.perf_counter()
        while True:
            base = self.nodes.next()
            try:
                response = self.http.request(method, base + path, allow_redirects=False, timeout=120, **kw)
                break
            except requests.ConnectionError as exc:
                if self.nodes.refused(base, exc):
                    continue  # never reached a node: the balancer sends it to another
                self.nodes.cut_off += 1
                self.stats.record(kind, time.perf_counter() - start, f"{type(exc).__name__}")
                return None
            except requests.RequestException as exc:
                self.stats.record(kind, time.perf_counter() - start, f"{type(exc).__name__}")
                return None
        problem = None if response.status_code in expect else f"HTTP {response.status_code} {path}"
        self.stats.record(kind, time.perf_counter() - start, problem, response.status_code)
        return response

    def get(self, kind: str, path: str, **kw):
        return self._timed(kind, "GET", path, **kw)

    def post(self, kind: str, path: str, **kw):
        return self._timed(kind, "POST", path, **kw)

    def login(self) -> bool:
        import pyotp
        page = self.get("login", "/login")
        form = form_with(page.text, r"") if page is not None else None
        if form is None:
            return False
        data = dict(form["fields"], email=self.email, password=PASSWORD)
        response = self.post("login", "/login", data=data)
        if response is None or response.status_code != 302:
            return False
        if self.totp:
            page = self.get("login", "/login/second-factor")
            form = forms_of(page.text)[-1]
            # Two reviewers may sign in within one 30-second step; each uses its own account.
            data = dict(form["fields"], code=pyotp.TOTP(TOTP_SECRET).now())
            response = self.post("login", "/login/second-factor", data=data)
            return response is not None and response.status_code == 302
        return True


@dataclass
class Official:
    client: Client
    report_id: int
    entry_ids: list[int]
    acknowledged: dict[int, str] = field(default_factory=dict)
    # Saves sent since the entry's last acknowledged one and cut off in flight (a node killed):
    # each may or may not have been applied, so the stored text may be one of them.
    in_flight: dict[int, set[str]] = field(default_factory=dict)
    uploads: int = 0

    def step(self, rng: random.Random) -> None:
        c = self.client
        if rng.random() < 0.15:
            c.get("report overview", f"/reports/{self.report_id}")
            return
        if rng.random() < 0.08:
            self.upload(rng)
            return
        entry_id = rng.choice(self.entry_ids)
        page = c.get("entry page", f"/reports/{self.report_id}/entries/{entry_id}")
        if page is None or page.status_code != 200:
            return
        form = form_with(page.text, rf"/reports/{self.report_id}/entries/{entry_id}$")
        text = f"Load test narrative {secrets.token_hex(6)}: measures taken and institutions involved."
        data = dict(form["fields"], narrative=text, status="in_progress")
        response = c.post("entry save", f"/reports/{self.report_id}/entries/{entry_id}", data=data)
        if response is None:
            self.in_flight.setdefault(entry_id, set()).add(text)
        elif response is not None and response.status_code in (200, 302) and "conflict" not in response.text.lower():
            if response.status_code == 302 or "saved" in response.text.lower():
                self.acknowledged[entry_id] = text
                self.in_flight.pop(entry_id, None)

    def upload(self, rng: random.Random) -> None:
        c = self.client
        path = f"/reports/{self.report_id}/documents/upload"
        page = c.get("upload page", path)
        if page is None or page.status_code != 200:
            return
        form = next(f for f in forms_of(page.text) if f["enctype"] == "multipart/form-data")
        files = {"file": (f"evidence-{secrets.token_hex(3)}.pdf", PDF, "application/pdf")}
        response = c.post("upload", path, data=form["fields"], files=files)
        if response is not None and response.status_code in (200, 302):
            self.uploads += 1


@dataclass
class Reviewer:
    client: Client
    reports: list[tuple[int, list[int]]]

    def step(self, rng: random.Random) -> None:
        c = self.client
        report_id, entry_ids = rng.choice(self.reports)
        if rng.random() < 0.3:
            c.get("review queue", "/review/")
            return
        entry_id = rng.choice(entry_ids)
        page = c.get("review entry", f"/review/reports/{report_id}/entries/{entry_id}")
        if page is None or page.status_code != 200:
            return
        try:
            form = form_with(page.text, rf"/reports/{report_id}/entries/{entry_id}/comments")
        except LookupError:
            return
        data = dict(form["fields"], body=f"Please add the dates of the trainings ({secrets.token_hex(3)}).")
        c.post("comment", f"/reports/{report_id}/entries/{entry_id}/comments", data=data)


# --- the instance ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seal_environment(workdir: Path) -> dict[str, str]:
    """A production portal seals its editions and refuses to compile without a seal: the benchmarks
    give it a self-signed one made in their work directory (as development makes one in instance/)."""
    from ctportal.services.editions import seal

    p12 = seal.make_dev_seal(workdir)
    passfile = seal.dev_seal_paths(workdir)[1]
    return {"CTPORTAL_SEAL_PKCS12_FILE": str(p12), "CTPORTAL_SEAL_PASSPHRASE": passfile.read_text().strip()}


def _environment(workdir: Path, postgres: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTPORTAL_")}
    env.update(seal_environment(workdir))
    env.update(CTPORTAL_ENV="production", CTPORTAL_SECRET_KEY=secrets.token_urlsafe(48),
               CTPORTAL_SECURE_COOKIES="false", CTPORTAL_STORAGE_DIR=str(workdir / "files"),
               CTPORTAL_LOG_FORMAT="json", CTPORTAL_LOGIN_RATE_LIMIT="1000 per minute",
               CTPORTAL_LOGIN_ACCOUNT_RATE_LIMIT="1000 per hour", CTPORTAL_MAIL_BACKEND="console",
               CTPORTAL_LOG_LEVEL="WARNING")
    if postgres:
        name = f"ctportal_load_{os.getpid()}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
        env.update(DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{name}",
                   REDIS_URL="redis://127.0.0.1:6379/7", CTPORTAL_JOBS_MODE="redis")
    else:
        env.update(CTPORTAL_DATABASE_URL=f"sqlite:///{workdir / 'load.sqlite3'}", CTPORTAL_JOBS_MODE="redis",
                   REDIS_URL="redis://127.0.0.1:6379/7")
        env.pop("DATABASE_URL", None)
    return env


SETUP = r'''
import sys, datetime as dt
import sqlalchemy as sa
from ctportal import create_app
from ctportal.models import *
from ctportal.services.operations.setup import party_by_code
from ctportal.services.accounts.users import create_user
from ctportal.services.accounts.signin import enable_totp
from ctportal.services.reporting.reports import ensure_reports
from ctportal.services.review.workflow import Step as A, apply_transition
PASSWORD, SECRET, PARTIES, N, R = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4]), int(sys.argv[5])
app = create_app()
with app.app_context():
    version = db.session.scalar(sa.select(PlanVersion))
    today = dt.date.today()
    def make_round(title, number):
        rnd = Round(title=title, plan_version_id=version.id, period_start=dt.date(2025, 7, 1),
                    period_end=dt.date(2026, 6, 30), submission_deadline=today + dt.timedelta(days=3),
                    review_deadline=today + dt.timedelta(days=30), meeting_name="JHA Ministerial Forum",
                    meeting_place="Tirana", meeting_date=today + dt.timedelta(days=60),
                    document_number=number, state=RoundState.open, opened_at=utcnow())
        db.session.add(rnd); db.session.flush(); ensure_reports(rnd); return rnd
    drafting = make_round("Load round (drafting)", "LOAD 1/26")
    review = make_round("Load round (under review)", "LOAD 2/26")
    reviewers = []
    for i in range(R):
        u = create_user(f"reviewer{i}@load.test", f"Reviewer {i}", Role.reviewer, None, PASSWORD)
        enable_totp(u, SECRET); reviewers.append(u)
    sec = create_user("secretariat@load.test", "Secretariat", Role.secretariat, None, PASSWORD)
    enable_totp(sec, SECRET)
    for code in PARTIES:
        party = party_by_code(code)
        for i in range(N):
            role = Role.coordinator if i == 0 else Role.contributor
            create_user(f"{code.lower()}{i}@load.test", f"{code} official {i}", role, party, PASSWORD)
        report = db.session.scalar(sa.select(Report).where(Report.round_id == review.id, Report.party_id == party.id))
        for e in report.entries:
            e.status = EntryStatus.in_progress; e.narrative = f"Progress on {e.key} for {party.name}."
        coordinator = db.session.scalar(sa.select(User).where(User.email == f"{code.lower()}0@load.test"))
        apply_transition(report, A.submit, coordinator)
        if code in ("AL", "RS"):
            apply_transition(report, A.approve, reviewers[0])
    db.session.commit()
    out = []
    for report in db.session.scalars(sa.select(Report).join(Party)):
        out.append(f"{report.round.document_number}|{report.party.code}|{report.id}|{report.state.value}|"
                   + ",".join(str(e.id) for e in report.entries))
    print("ROUND|" + str(review.id))
    print("\n".join(out))
'''


def run(seconds: int, postgres: bool, nodes: int = 1, kill_after: float | None = None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="ctportal-load-"))
    env = _environment(workdir, postgres)
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=False, capture_output=True)
    setup = subprocess.run([str(VENV_BIN / "python"), "-c", SETUP, PASSWORD, TOTP_SECRET, ",".join(PARTIES),
                            str(OFFICIALS_PER_PARTY), str(REVIEWERS)], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True)
    reports: dict[tuple[str, str], tuple[int, str, list[int]]] = {}
    review_round = 0
    for line in setup.stdout.splitlines():
        parts = line.split("|")
        if parts[0] == "ROUND":
            review_round = int(parts[1])
        elif len(parts) == 5:
            reports[(parts[0], parts[1])] = (int(parts[2]), parts[3], [int(x) for x in parts[4].split(",") if x])

    log_path = workdir / "server.log"
    log = log_path.open("w")
    # Four gunicorn workers in all, spread over the nodes: two nodes are two hosts' process trees
    # (own masters, own sessions of nothing but the shared database, Redis and storage folder).
    bases, servers = [], []
    for _ in range(nodes):
        port = _free_port()
        bases.append(f"http://127.0.0.1:{port}")
        servers.append(subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:app"], cwd=ROOT,
            env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(max(1, 4 // nodes))),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    worker = subprocess.Popen(flask + ["jobs-worker", "--workers", "2"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for base in bases:
            for _ in range(300):
                try:
                    if requests.get(base + "/readyz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
        if kill_after is not None:
            # The last node's host goes away mid-load: SIGKILL to its whole process tree.
            threading.Timer(kill_after, lambda: os.killpg(servers[-1].pid, signal.SIGKILL)).start()
        return _drive(Nodes(bases), env, workdir, seconds, reports, review_round, postgres)
    finally:
        for proc in (*servers, worker):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if "database is locked" in log_path.read_text():
            print("SERVER LOG: 'database is locked' appeared")
        if postgres:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                            f"DROP DATABASE IF EXISTS ctportal_load_{os.getpid()} WITH (FORCE)"], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def _drive(nodes: Nodes, env, workdir, seconds, reports, review_round, postgres) -> int:
    stats = Stats()
    stop = threading.Event()
    officials: list[Official] = []
    for code in PARTIES:
        report_id, _, entry_ids = reports[("LOAD 1/26", code)]
        for i in range(OFFICIALS_PER_PARTY):
            mine = entry_ids[i::OFFICIALS_PER_PARTY]  # each official works on entries of their own
            officials.append(Official(Client(nodes, stats, f"{code.lower()}{i}@load.test"), report_id, mine))
    under_review = [(rid, eids[:10]) for (number, code), (rid, state, eids) in reports.items()
                    if number == "LOAD 2/26" and state == "submitted"]
    reviewers = [Reviewer(Client(nodes, stats, f"reviewer{i}@load.test", totp=True), under_review)
                 for i in range(REVIEWERS)]
    secretariat = Client(nodes, stats, "secretariat@load.test", totp=True)

    def loop(actor, seed):
        rng = random.Random(seed)
        # A sign-in cut off by a dying node is tried again, as a person would.
        if not any(actor.client.login() for _ in range(3)):
            stats.record("login", 0, f"{actor.client.email} could not sign in")
            return
        while not stop.is_set():
            actor.step(rng)
            time.sleep(rng.uniform(0.2, 0.8))  # officials read and type between saves

    def compile_loop():
        if not secretariat.login():
            stats.record("login", 0, "secretariat could not sign in")
            return
        while not stop.is_set():
            page = secretariat.get("compile page", f"/compile/rounds/{review_round}")
            if page is not None and page.status_code == 200:
                try:
                    form = form_with(page.text, rf"/compile/rounds/{review_round}/compile")
                    secretariat.post("compile start", f"/compile/rounds/{review_round}/compile", data=form["fields"])
                except LookupError:
                    pass
            for _ in range(10):
                if stop.wait(2):
                    return
                secretariat.get("compile status", f"/compile/rounds/{review_round}/status.json")

    threads = [threading.Thread(target=loop, args=(a, n)) for n, a in enumerate(officials + reviewers)]
    threads.append(threading.Thread(target=compile_loop))
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds / 2)
    backup_dir = workdir / "backup"
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    backup = subprocess.run(flask + ["backup", str(backup_dir)], cwd=ROOT, env=env, capture_output=True, text=True)
    time.sleep(seconds / 2)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    lost = _lost_writes(env, officials)
    restore_ok = _restore_and_verify(env, workdir, backup_dir, postgres) if backup.returncode == 0 else \
        f"backup failed: {backup.stderr.strip()[-300:]}"
    total = sum(len(v) for v in stats.times.values())
    errors = sum(len(v) for v in stats.errors.values())
    shape = f"{len(nodes.bases)} web nodes" if len(nodes.bases) > 1 else "1 web node"
    print(f"\nctportal load test — {'PostgreSQL + Redis' if postgres else 'SQLite'}, {shape}, gunicorn 4 workers, "
          f"{len(officials)} officials, {len(reviewers)} reviewers, 1 secretariat, {elapsed:.0f} s")
    print(f"{'page type':<18}{'requests':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for kind in sorted(stats.times):
        times = sorted(stats.times[kind])
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{kind:<18}{len(times):>10}{statistics.median(times) * 1000:>10.0f}{p99 * 1000:>10.0f}"
              f"{len(stats.errors[kind]):>8}")
    print(f"total: {total} requests, {total / elapsed:.1f} requests/s, {errors} errors, "
          f"{stats.server_errors} responses 5xx, uploads {sum(o.uploads for o in officials)}")
    print(f"acknowledged saves lost: {lost}")
    print(f"backup during the load: {restore_ok}")
    for kind, problems in stats.errors.items():
        for problem in problems[:3]:
            print(f"  {kind}: {problem}")
    if nodes.down:
        print(f"nodes taken out after refusing connections: {len(nodes.down)}; requests cut off in flight "
              f"(a balancer's 502, not acknowledged): {nodes.cut_off}")
    clean = errors - nodes.cut_off == 0 and stats.server_errors == 0 and lost == 0
    return 0 if clean and restore_ok == "restored, all files intact" else 1


CHECK = r'''
import sys, json
from ctportal import create_app
from ctportal.models import Entry, db
app = create_app()
with app.app_context():
    expected = json.loads(sys.stdin.read())
    lost = sum(1 for eid, texts in expected.items() if db.session.get(Entry, int(eid)).narrative not in texts)
    print(lost)
'''


def _lost_writes(env, officials) -> int:
    import json
    expected = {str(k): [v, *o.in_flight.get(k, ())] for o in officials for k, v in o.acknowledged.items()}
    result = subprocess.run([str(VENV_BIN / "python"), "-c", CHECK], cwd=ROOT, env=env, input=json.dumps(expected),
                            capture_output=True, text=True, check=True)
    return int(result.stdout.strip().splitlines()[-1])


def _restore_and_verify(env, workdir, backup_dir, postgres) -> str:
    target = dict(env, CTPORTAL_STORAGE_DIR=str(workdir / "restored-files"))
    if postgres:
        name = f"ctportal_restore_{os.getpid()}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
        target["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{name}"
    else:
        target["CTPORTAL_DATABASE_URL"] = f"sqlite:///{workdir / 'restored.sqlite3'}"
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    try:
        restore = subprocess.run(flask + ["restore", str(backup_dir)], cwd=ROOT, env=target, capture_output=True,
                                 text=True)
        if restore.returncode != 0:
            return f"restore failed: {restore.stderr.strip()[-300:]}"
        verify = subprocess.run(flask + ["verify-storage"], cwd=ROOT, env=target, capture_output=True, text=True)
        if verify.returncode != 0:
            return f"verify-storage failed: {(verify.stdout + verify.stderr).strip()[-300:]}"
        return "restored, all files intact"
    finally:
        if postgres:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                            f"DROP DATABASE IF EXISTS ctportal_restore_{os.getpid()} WITH (FORCE)"], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis instead of SQLite")
    parser.add_argument("--nodes", type=int, default=1,
                        help="web nodes (separate gunicorn process trees, as on separate hosts) behind a round robin")
    parser.add_argument("--kill-node-after", type=float, metavar="SECONDS",
                        help="SIGKILL the last node's process tree this long into the load")
    args = parser.parse_args()
    if args.nodes > 1 and not args.postgres:
        parser.error("--nodes needs --postgres: hosts share PostgreSQL, never a SQLite file")
    return run(args.seconds, args.postgres, args.nodes, args.kill_node_after)


if __name__ == "__main__":
    sys.exit(main())
