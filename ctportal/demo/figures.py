"""The demo's figures (issue 18, item 4): the numbers partners give for the catalogue's indicators, in
the previous round and in the demo round, and one indicator the Commission adds to the demo round.

Numbers are drawn with a generator seeded per party, indicator and category (the baseline and the
target, the same in both rounds) and per round (how far the actual figure got), so a run gives the
same demo. A draft started after the previous round keeps the baseline and target carried over from
its approved report (services/reporting/figures.prefill) and only adds its actual figures.
"""
from __future__ import annotations

import random
from decimal import Decimal

import sqlalchemy as sa

from ctportal.domain import indicators as ind
from ctportal.models import Entry, Figure, Report, Round, User, db
from ctportal.services.reporting import figures as figure_service
from ctportal.services.reporting.previous import previous_round

# The Commission's own indicator for the demo round: (action, name, unit, disaggregation, added by).
ROUND_INDICATOR = ("2.P2", "At-risk individuals managed case by case", "persons", "sex", "reviewer@demo.ctportal.eu")


def add_round_indicator(rnd: Round) -> None:
    code, name, unit, disaggregation, email = ROUND_INDICATOR
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or any(i.key == ind.key_of(name) for i in figure_service.round_indicators(rnd)):
        return
    figure_service.add_round_indicator(rnd, code, name, unit, disaggregation, user)


def _numbers(party: str, key: str, category: str, unit: str) -> tuple[Decimal, Decimal]:
    rng = random.Random(f"demo:figures:{party}:{key}:{category}")
    low = {"persons": 40, "cases": 12, "events": 6}.get(unit, 20)
    baseline = Decimal(rng.randint(low // 4, low))
    return baseline, baseline + Decimal(rng.randint(low // 3, low))


def fill(report: Report, entries: list[Entry]) -> None:
    """Figures for the written entries whose action has indicators; what was carried over is kept."""
    by_action = figure_service.indicators_for(report.round)
    code = report.party.code
    later = previous_round(report.round) is not None   # the demo round: further along than the one before
    for entry in entries:
        have = {(f.indicator_id, f.category): f for f in entry.figures}
        for indicator in figure_service.of_entry(entry, by_action):
            for category in ind.categories(indicator.disaggregation):
                baseline, target = _numbers(code, indicator.key, category, indicator.unit)
                row = have.get((indicator.id, category))
                if row is None:
                    row = Figure(indicator_id=indicator.id, category=category, baseline=baseline, target=target)
                    entry.figures.append(row)
                base, goal = row.baseline if row.baseline is not None else baseline, row.target or target
                rng = random.Random(f"demo:figures:{code}:{indicator.key}:{category}:{report.round.document_number}")
                share = Decimal(rng.randint(15, 45) + (30 if later else 0)) / 100
                row.actual = (base + (goal - base) * share).quantize(Decimal(1))
    db.session.flush()

