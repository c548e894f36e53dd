"""Page throughput beside a bare Flask page, in one run (issue 14).

    make bench-web                                   # or: .venv/bin/python -m bench.web
    .venv/bin/python -m bench.web --seconds 10 --connections 20

Builds a fresh SQLite instance with the demo data (`seed-demo`) plus a larger synthetic round
(every party, every entry answered with narratives, measures and legal acts; Albania's report a
draft for the party pages, the others submitted for the review pages), starts the portal under
gunicorn (2 workers × 4 threads) and the bare anchor app (bench/anchor.py) under the same
settings beside it, signs in once per role, then runs wrk on every page and on the anchor page
in turn and prints req/s, p50, p99 and the throughput ratio to the anchor for each.

Then the same for the bare page and the report overview while a cold consolidated compile runs
(issue 21: the web p99 may degrade by at most 20 %): a second synthetic round, every report
approved with long narratives (sized by --compile-scale so that the cold compile outlasts the
measuring window), is added; both pages are measured without a compile, then the secretariat
presses Compile as in the portal (the job goes through Redis to a separate `flask jobs-worker`,
whose render processes run at PDF_RENDER_NICE, never inside a web worker) and, once the
edition's state is "running", both are measured again. The edition must still be running when
the second window closes, or the run says so and fails. It needs Redis on 127.0.0.1:6379 (the
run empties database --redis-db first).

Needs wrk (`scripts/system-packages.sh bench` installs it). Everything runs on loopback; the run
stops by itself.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.anchor import create_database
from bench.load import PASSWORD, TOTP_SECRET, Client, Stats, _free_port, forms_of, seal_environment

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
GUNICORN = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
ACCOUNTS = {"party": "bench.al@bench.test", "reviewer": "bench.reviewer@bench.test",
            "secretariat": "bench.secretariat@bench.test"}


def _environment(workdir: Path, redis_db: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTPORTAL_")}
    env.pop("DATABASE_URL", None)
    env.update(seal_environment(workdir))
    # As in production: jobs go through Redis to a separate `flask jobs-worker` (never a web worker).
    env.update(CTPORTAL_ENV="production", CTPORTAL_SECRET_KEY=secrets.token_urlsafe(48),
               CTPORTAL_SECURE_COOKIES="false", CTPORTAL_STORAGE_DIR=str(workdir / "files"),
               CTPORTAL_DATABASE_URL=f"sqlite:///{workdir / 'web.sqlite3'}", CTPORTAL_JOBS_MODE="redis",
               REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
               CTPORTAL_LOGIN_RATE_LIMIT="1000 per minute", CTPORTAL_LOGIN_ACCOUNT_RATE_LIMIT="1000 per hour",
               CTPORTAL_MAIL_BACKEND="console", CTPORTAL_LOG_LEVEL="WARNING",
               ANCHOR_DATABASE=str(workdir / "anchor.sqlite3"))
    return env


def answer_the_rest(report) -> None:
    """What the submission still asks after the entries are filled: a word where a status is lower
    than the previous round's, and the follow-ups of the last round's recommendations."""
    from ctportal.models import Entry, FollowUpStatus, db
    from ctportal.services.reporting import follow_ups
    from ctportal.services.reporting.completeness import missing_items

    for item in missing_items(report):
        if item.field == "lower_status_reason":
            db.session.get(Entry, item.entry_id).lower_status_reason = "The programme's funding ended."
    for follow_up in follow_ups.of_report(report):
        follow_up.status = follow_up.status or next(iter(FollowUpStatus))
        follow_up.narrative = follow_up.narrative or "Implemented through the national action plan."
    db.session.flush()


def setup_round() -> None:
    """(In a subprocess, inside the app.) The synthetic round and the bench accounts; prints the ids."""
    import datetime as dt

    import sqlalchemy as sa

    from ctportal import create_app
    from ctportal.models import (EntryStatus, LegalAct, Measure, Party, PlanVersion, Report, ReportState, Role,
                                 Round, RoundState, db, utcnow)
    from ctportal.services.accounts.signin import enable_totp
    from ctportal.services.accounts.users import create_user
    from ctportal.services.reporting.reports import ensure_reports
    from ctportal.services.review.confirmation import submission_summary
    from ctportal.services.review.workflow import Step, apply_transition

    app = create_app()
    with app.app_context():
        version = db.session.scalar(sa.select(PlanVersion).order_by(PlanVersion.id))
        today = dt.date.today()
        rnd = Round(title="Bench round 2027", plan_version_id=version.id, period_start=dt.date(2026, 7, 1),
                    period_end=dt.date(2027, 6, 30), submission_deadline=today + dt.timedelta(days=3),
                    review_deadline=today + dt.timedelta(days=30), meeting_name="JHA Ministerial Forum",
                    meeting_place="Skopje", meeting_date=today + dt.timedelta(days=60), document_number="BENCH 1/27",
                    state=RoundState.open, opened_at=utcnow())
        db.session.add(rnd)
        db.session.flush()
        ensure_reports(rnd)
        reviewer = create_user(ACCOUNTS["reviewer"], "Bench reviewer", Role.reviewer, None, PASSWORD)
        secretariat = create_user(ACCOUNTS["secretariat"], "Bench secretariat", Role.secretariat, None, PASSWORD)
        for user in (reviewer, secretariat):
            enable_totp(user, TOTP_SECRET)
        words = ("the national coordinator adopted a strategy with training for prosecutors and police, "
                 "regional cooperation, information exchange and financial investigations. ") * 6
        for party in db.session.scalars(sa.select(Party).order_by(Party.sort_order)):
            role = Role.coordinator if party.kind.value == "wb_partner" else Role.eu_reporter
            email = ACCOUNTS["party"] if party.code == "AL" else f"bench.{party.code.lower()}@bench.test"
            official = create_user(email, f"Bench {party.code}", role, party, PASSWORD)
            report = db.session.scalar(sa.select(Report).where(Report.round_id == rnd.id, Report.party_id == party.id))
            for entry in report.entries:
                entry.status = EntryStatus.in_progress
                entry.narrative = f"**{entry.key}.** " + words
                entry.challenges = "Limited staff and budget."
                entry.next_steps = "Train staff by mid-2027."
                entry.measures.extend(Measure(position=i, description=f"Measure {i + 1} on {entry.key}",
                                              taken_on=dt.date(2027, 1 + i, 10)) for i in range(3))
                entry.legal_acts.append(LegalAct(position=0, title=f"Law on {entry.key}",
                                                 adopted_on=dt.date(2027, 2, 1),
                                                 gazette_reference="Official Gazette 12/2027"))
            db.session.flush()
            answer_the_rest(report)
            if party.code != "AL":
                # As the confirmation page does: the submission names the summary it was shown.
                apply_transition(report, Step.submit, official, confirmed=submission_summary(report).token)
        db.session.commit()
        al = db.session.scalar(sa.select(Report).join(Party).where(Report.round_id == rnd.id, Party.code == "AL"))
        rs = db.session.scalar(sa.select(Report).join(Party).where(Report.round_id == rnd.id, Party.code == "RS"))
        assert rs.state == ReportState.submitted
        al_entry = next(e for e in al.entries if e.action.objective.number == 1)
        rs_entry = next(e for e in rs.entries if e.action.objective.number == 1)
        print(f"IDS|{rnd.id}|{al.id}|{al_entry.id}|{rs.id}|{rs_entry.id}|{len(rs.entries)}")


def setup_compile_round(scale: int) -> None:
    """(In a subprocess, inside the app.) A second round, every party's report approved with long
    narratives (`scale` times bench/pdf_compile's 150–400 words), three measures and two legal
    acts an entry: what a cold compile of it renders lasts longer than the measuring window.
    Prints its id."""
    import datetime as dt
    import random

    import sqlalchemy as sa

    from bench.pdf_compile import _narrative
    from ctportal import create_app
    from ctportal.models import (EntryStatus, LegalAct, Measure, Party, PlanVersion, Report, Round, RoundState, User,
                                 db, utcnow)
    from ctportal.services.reporting.reports import ensure_reports
    from ctportal.services.review.confirmation import submission_summary
    from ctportal.services.review.workflow import Step, apply_transition, confirmation_token

    app = create_app()
    with app.app_context():
        version = db.session.scalar(sa.select(PlanVersion).order_by(PlanVersion.id))
        today = dt.date.today()
        rnd = Round(title="Bench compile round 2026", plan_version_id=version.id, period_start=dt.date(2025, 7, 1),
                    period_end=dt.date(2026, 6, 30), submission_deadline=today - dt.timedelta(days=10),
                    review_deadline=today + dt.timedelta(days=10), meeting_name="JHA Ministerial Forum",
                    meeting_place="Tirana", meeting_date=today + dt.timedelta(days=40), document_number="BENCH 2/26",
                    state=RoundState.open, opened_at=utcnow())
        db.session.add(rnd)
        db.session.flush()
        ensure_reports(rnd)
        reviewer = db.session.scalar(sa.select(User).where(User.email == ACCOUNTS["reviewer"]))
        rng = random.Random(2026)
        statuses = [s for s in EntryStatus if s != EntryStatus.not_applicable]
        for party in db.session.scalars(sa.select(Party).order_by(Party.sort_order)):
            email = ACCOUNTS["party"] if party.code == "AL" else f"bench.{party.code.lower()}@bench.test"
            official = db.session.scalar(sa.select(User).where(User.email == email))
            report = db.session.scalar(sa.select(Report).where(Report.round_id == rnd.id, Report.party_id == party.id))
            for entry in report.entries:
                entry.status = rng.choice(statuses)
                entry.narrative = "\n\n".join(_narrative(rng, party.code, entry.key) for _ in range(scale))
                entry.summary = f"Key progress on {entry.key}: the strategy was adopted and the first units trained."
                entry.challenges = "Limited staff and budget; the regional cooperation is slow to start."
                entry.next_steps = "Adopt the implementing regulation and train staff by mid-2027."
                entry.measures.extend(Measure(position=i, taken_on=dt.date(2026, 1 + i, 10),
                                              description=f"Measure {i + 1} on {entry.key}: training and "
                                              "equipment for the units concerned") for i in range(3))
                entry.legal_acts.extend(LegalAct(position=i, title=f"Law no. {10 + i}/2026 on {entry.key}",
                                                 adopted_on=dt.date(2026, 2 + i, 1),
                                                 gazette_reference="Official Gazette 12/2026") for i in range(2))
            db.session.flush()
            answer_the_rest(report)
            apply_transition(report, Step.submit, official, confirmed=submission_summary(report).token)
            apply_transition(report, Step.approve, reviewer,
                             confirmed=confirmation_token(report, Step.approve, reviewer))
        db.session.commit()
        print(f"ROUND|{rnd.id}")


def pages(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(page, who, path) for every page of issue 14."""
    return [
        ("report overview", "party", f"/reports/{ids['al']}"),
        ("objective section", "party", f"/reports/{ids['al']}/sections/1"),
        ("entry form", "party", f"/reports/{ids['al']}/entries/{ids['al_entry']}"),
        (f"review page ({ids['entries']} entries)", "reviewer", f"/review/reports/{ids['rs']}?show=all"),
        ("review entry", "reviewer", f"/review/reports/{ids['rs']}/entries/{ids['rs_entry']}"),
        ("review queue", "reviewer", "/review/?state=all"),
        ("progress map (all parties)", "reviewer", f"/progress/rounds/{ids['round']}"),
        ("round status board", "secretariat", f"/rounds/{ids['round']}"),
    ]


def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "errors": float(non_2xx.group(1)) if non_2xx else 0.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _start(command: list[str], env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_ready(url: str) -> None:
    for _ in range(150):
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def _cookie_for(base: str, email: str, totp: bool) -> str:
    client = Client(base, Stats(), email, totp=totp)
    if not client.login():
        raise SystemExit(f"could not sign in as {email}")
    return "; ".join(f"{c.name}={c.value}" for c in client.http.cookies)


def run(seconds: int, connections: int, compile_scale: int, redis_db: int, pages_too: bool = True) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="ctportal-web-"))
    env = _environment(workdir, redis_db)
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    python = str(VENV_BIN / "python")
    subprocess.run(["redis-cli", "-n", str(redis_db), "FLUSHDB"], check=True, capture_output=True)
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], cwd=ROOT, env=dict(env, CTPORTAL_ENV="development"), check=True,
                   capture_output=True)
    # Approvals would queue pre-renders: the compile measured below is to be a cold one.
    setup_env = dict(env, CTPORTAL_PDF_PRERENDER_ON_APPROVE="false")
    made = _setup(python, ["--setup-round"], setup_env)
    line = next(x for x in made.splitlines() if x.startswith("IDS|"))
    ids = dict(zip(("round", "al", "al_entry", "rs", "rs_entry", "entries"), map(int, line.split("|")[1:]),
                   strict=True))
    create_database(env["ANCHOR_DATABASE"])
    port, anchor_port = _free_port(), _free_port()
    log = (workdir / "servers.log").open("w")
    gunicorn = [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"]
    servers = [
        _start(gunicorn + ["app:app"], dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", **GUNICORN), log),
        _start(gunicorn + ["bench.anchor:app"], dict(env, GUNICORN_BIND=f"127.0.0.1:{anchor_port}", **GUNICORN), log),
    ]
    try:
        base, anchor = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{anchor_port}/"
        _wait_ready(base + "/readyz")
        _wait_ready(anchor)
        cookies = {who: _cookie_for(base, email, totp=who != "party") for who, email in ACCOUNTS.items()}
        for _name, who, path in pages(ids):        # every page answers 200 before it is measured
            status = requests.get(base + path, headers={"Cookie": cookies[who]}, allow_redirects=False).status_code
            if status != 200:
                raise SystemExit(f"{path} answered {status} for {who}")
        if pages_too:
            results = [("bare Flask page", wrk(anchor, None, seconds, connections))]
            for name, who, path in pages(ids):
                results.append((name, wrk(base + path, cookies[who], seconds, connections)))
            _print(results, seconds, connections)
        # The second part: the same for one page while a cold compile runs.
        made = _setup(python, ["--setup-compile-round", "--compile-scale", str(compile_scale)], setup_env)
        compile_round = int(next(x for x in made.splitlines() if x.startswith("ROUND|")).split("|")[1])
        # The setups' notification mails are not what is measured: the worker starts on an empty queue.
        subprocess.run(["redis-cli", "-n", str(redis_db), "FLUSHDB"], check=True, capture_output=True)
        servers.append(_start(flask + ["jobs-worker", "--workers", "2"], env, log))
        return _during_compile(base, anchor, cookies, ids, compile_round, seconds, connections)
    except SystemExit:
        log.flush()
        print((workdir / "servers.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        for server in servers:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _setup(python: str, args: list[str], env: dict[str, str]) -> str:
    made = subprocess.run([python, "-m", "bench.web", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit(f"the synthetic round could not be made:\n{made.stderr[-3000:]}")
    return made.stdout


def _during_compile(base: str, anchor: str, cookies: dict[str, str], ids: dict[str, int], round_id: int,
                    seconds: int, connections: int) -> int:
    """The bare page and the report overview without a compile, then while a cold compile runs."""
    overview = base + f"/reports/{ids['al']}"
    quiet = [("bare Flask page", wrk(anchor, None, seconds, connections)),
             ("report overview", wrk(overview, cookies["party"], seconds, connections))]
    # Its own session (a cookie jar: the compile form's CSRF token is kept in the session cookie).
    signed_in = Client(base, Stats(), ACCOUNTS["secretariat"], totp=True)
    if not signed_in.login():
        raise SystemExit("the secretariat could not sign in")
    secretariat = signed_in.http
    page = secretariat.get(base + f"/compile/rounds/{round_id}")
    form = next(f for f in forms_of(page.text) if re.search(rf"/compile/rounds/{round_id}/compile$", f["action"])
                and f["fields"].get("draft") != "1")
    pressed = time.perf_counter()
    answer = secretariat.post(base + f"/compile/rounds/{round_id}/compile", data=form["fields"], allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"Compile answered {answer.status_code}")

    def edition() -> dict:
        return secretariat.get(base + f"/compile/rounds/{round_id}/status.json").json()

    state = edition()
    while state["state"] == "queued" and time.perf_counter() - pressed < 300:
        time.sleep(0.2)
        state = edition()
    if state["state"] != "running":
        raise SystemExit(f"the compile is not running: {state}")
    before = state
    started = time.perf_counter()
    busy = [("bare Flask page", wrk(anchor, None, seconds, connections)),
            ("report overview", wrk(overview, cookies["party"], seconds, connections))]
    after = edition()
    window = time.perf_counter() - started
    finished = after
    while finished["state"] in ("queued", "running") and time.perf_counter() - pressed < 1800:
        time.sleep(1)
        finished = edition()
    total = time.perf_counter() - pressed
    load = os.getloadavg()
    print(f"\nThe same while a cold consolidated compile runs (edition {before['id']}: job worker with 2 threads, "
          f"render processes niced; wrk {connections} connections × {seconds} s each); load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores\n")
    print(f"| {'page':<16} | {'compile':<8} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'p99 ×':>6} | "
          f"{'req/s ×':>7} | {'non-2xx':>7} |")
    print(f"|{'-' * 18}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 9}|{'-' * 9}|")
    for (name, q), (_, b) in zip(quiet, busy, strict=True):
        for label, r in (("no", q), ("running", b)):
            print(f"| {name:<16} | {label:<8} | {r['rps']:>7.1f} | {r['p50']:>7.0f} | {r['p99']:>7.0f} | "
                  f"{r['p99'] / q['p99']:>6.2f} | {r['rps'] / q['rps']:>7.2f} | {r['errors']:>7.0f} |")
    print()
    for (name, q), (_, b) in zip(quiet, busy, strict=True):
        degradation = b["p99"] / q["p99"] - 1
        print(f"  {'OK  ' if degradation <= 0.20 else 'MISS'} {name}: p99 {q['p99']:.0f} → {b['p99']:.0f} ms during "
              f"the compile, {degradation:+.0%} (goal: at most +20 %)")
    covered = after["state"] == "running"
    print(f"\nedition {before['id']}: {before['state']} at {before['progress']} % when the window opened, "
          f"{after['state']} at {after['progress']} % ({after['stage']}) when it closed {window:.0f} s later; "
          f"{finished['state']} {total:.0f} s after Compile was pressed")
    if not covered:
        print("  the compile ended inside the window: run again with a larger --compile-scale")
    if finished["state"] != "done":
        print(f"  the compile did not finish: {finished}")
    return 0 if covered and finished["state"] == "done" else 1


def _print(results: list[tuple[str, dict[str, float]]], seconds: int, connections: int) -> None:
    bare = results[0][1]["rps"]
    load = os.getloadavg()
    print(f"\nctportal pages beside a bare Flask page — SQLite, gunicorn 2 workers × 4 threads, "
          f"wrk {connections} connections × {seconds} s each; load average {load[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| {'page':<28} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'× bare':>6} | {'non-2xx':>7} |")
    print(f"|{'-' * 30}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 9}|")
    for name, r in results:
        print(f"| {name:<28} | {r['rps']:>7.1f} | {r['p50']:>7.0f} | {r['p99']:>7.0f} | {r['rps'] / bare:>6.2f} |"
              f" {r['errors']:>7.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per page (default 20)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections (default 20)")
    parser.add_argument("--compile-scale", type=int, default=2,
                        help="narratives of the compiled round, in multiples of bench/pdf_compile's (default 2)")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database for the job queue (emptied)")
    parser.add_argument("--compile-only", action="store_true", help="only the second part (during a compile)")
    parser.add_argument("--setup-round", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--setup-compile-round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_round:
        setup_round()
        return 0
    if args.setup_compile_round:
        setup_compile_round(args.compile_scale)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed: scripts/system-packages.sh bench (or apt-get install wrk)", file=sys.stderr)
        return 1
    if shutil.which("redis-cli") is None or subprocess.run(
            ["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() != "PONG":
        print("Redis does not answer on 127.0.0.1:6379 (the job queue of the compile part): start redis-server",
              file=sys.stderr)
        return 1
    return run(args.seconds, args.connections, args.compile_scale, args.redis_db, not args.compile_only)


if __name__ == "__main__":
    sys.exit(main())
