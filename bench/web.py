"""Page throughput beside a bare Flask page, in one run (issue 14).

    make bench-web                                   # or: .venv/bin/python -m bench.web
    .venv/bin/python -m bench.web --seconds 10 --connections 20

Builds a fresh SQLite instance with the demo data (`seed-demo`) plus a larger synthetic round
(every party, every entry answered with narratives, measures and legal acts; Albania's report a
draft for the party pages, the others submitted for the review pages), starts the portal under
gunicorn (2 workers × 4 threads) and the bare anchor app (bench/anchor.py) under the same
settings beside it, signs in once per role, then runs wrk on every page and on the anchor page
in turn and prints req/s, p50, p99 and the throughput ratio to the anchor for each.

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
from bench.load import PASSWORD, TOTP_SECRET, Client, Stats, _free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
GUNICORN = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
ACCOUNTS = {"party": "bench.al@bench.test", "reviewer": "bench.reviewer@bench.test",
            "secretariat": "bench.secretariat@bench.test"}


def _environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTPORTAL_")}
    env.pop("DATABASE_URL", None)
    env.update(CTPORTAL_ENV="production", CTPORTAL_SECRET_KEY=secrets.token_urlsafe(48),
               CTPORTAL_SECURE_COOKIES="false", CTPORTAL_STORAGE_DIR=str(workdir / "files"),
               CTPORTAL_DATABASE_URL=f"sqlite:///{workdir / 'web.sqlite3'}", CTPORTAL_JOBS_MODE="embedded",
               CTPORTAL_LOGIN_RATE_LIMIT="1000 per minute", CTPORTAL_LOGIN_ACCOUNT_RATE_LIMIT="1000 per hour",
               CTPORTAL_MAIL_BACKEND="console", CTPORTAL_LOG_LEVEL="WARNING",
               ANCHOR_DATABASE=str(workdir / "anchor.sqlite3"))
    return env


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


def run(seconds: int, connections: int) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="ctportal-web-"))
    env = _environment(workdir)
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    python = str(VENV_BIN / "python")
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], cwd=ROOT, env=dict(env, CTPORTAL_ENV="development"), check=True,
                   capture_output=True)
    setup = subprocess.run([python, "-m", "bench.web", "--setup-round"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    if setup.returncode != 0:
        raise SystemExit(f"the synthetic round could not be made:\n{setup.stderr[-3000:]}")
    made = setup.stdout
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
        results = [("bare Flask page", wrk(anchor, None, seconds, connections))]
        for name, who, path in pages(ids):
            results.append((name, wrk(base + path, cookies[who], seconds, connections)))
        _print(results, seconds, connections)
    finally:
        for server in servers:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


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
    parser.add_argument("--setup-round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_round:
        setup_round()
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed: scripts/system-packages.sh bench (or apt-get install wrk)", file=sys.stderr)
        return 1
    return run(args.seconds, args.connections)


if __name__ == "__main__":
    sys.exit(main())
