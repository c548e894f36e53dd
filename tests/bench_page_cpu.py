"""CPU per request of the pages of issue 14 in the test client (not collected by the suite: run it by name).

    .venv/bin/python -m pytest -q -s -p no:cacheprovider tests/bench_page_cpu.py

On the larger round of tests/test_page_queries.py (every party, every entry; three reports
submitted with comments and verdicts), with bench-like rows on the entry shown (three measures and
two legal acts, an 840-character narrative). That test's entry page shows Albania's submitted
report, read-only; "entry form (editable)" is the Commission's draft report's first entry, the
form with its fields. Each page is asked once to warm what is kept per
process, then REPEAT times; the lowest of ROUNDS medians of process CPU time is printed (ms). CPU
time, not wall-clock: the machine is shared, and only what this process spends counts.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from ctportal.models import LegalAct, Measure, db
from tests.factories import report_of
from tests.test_page_queries import PAGES, _build

REPEAT = int(os.environ.get("PAGE_CPU_REPEAT", "15"))
ROUNDS = int(os.environ.get("PAGE_CPU_ROUNDS", "3"))
ONLY = os.environ.get("PAGE_CPU_ONLY", "")


def _bench_like(entry) -> None:
    entry.narrative = ("the national coordinator adopted a strategy with training for prosecutors and police, "
                       "regional cooperation, information exchange and financial investigations. ") * 6
    entry.measures.extend(Measure(position=10 + i, description=f"Measure {i + 1} on {entry.key}",
                                  taken_on=dt.date(2026, 1 + i, 10)) for i in range(3))
    entry.legal_acts.extend(LegalAct(position=10 + i, title=f"Law {i} on {entry.key}",
                                     adopted_on=dt.date(2026, 2, 1), gazette_reference="OG 12/2026")
                            for i in range(2))


def test_cpu_per_request(client, auth, users):
    world = _build(users, small=False)
    _bench_like(world.entry)
    draft = report_of(world.round, "EC")
    _bench_like(draft.entries[0])
    db.session.commit()
    pages = dict(PAGES)
    pages["entry form (editable)"] = ("reporter_ec", lambda w: f"/reports/{draft.id}/entries/{draft.entries[0].id}")
    lines = []
    for name, (role, path) in pages.items():
        if ONLY and ONLY not in name:
            continue
        auth.login(role)
        url = path(world)
        assert client.get(url).status_code == 200
        best = float("inf")
        for _ in range(ROUNDS):
            times = []
            for _ in range(REPEAT):
                t = time.process_time()
                client.get(url)
                times.append(time.process_time() - t)
            best = min(best, statistics.median(times))
        lines.append(f"{name:<28} {best * 1000:7.1f} ms")
        auth.logout()
    print(f"\nCPU per request (median, lowest of {ROUNDS} rounds of {REPEAT})\n" + "\n".join(lines))
