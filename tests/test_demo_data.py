"""The demo's data files: complete for the plan, shipped with the checkout, and a broken one is named.

Each error case copies the shipped files, breaks one thing the way an editor might, and reads the
message: it must name the file and the key, so a typo in a YAML file is found without the code.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal.demo import loader
from ctportal.demo.plan import EuVoice, PartnerVoice
from ctportal.demo.reader import DemoDataError
from ctportal.domain.parties import PARTIES
from ctportal.models import Action, ActorGroup, db

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_data_loads_with_a_file_for_every_party():
    data = loader.load(loader.DATA_DIR)
    assert set(data.parties) == {info.code for info in PARTIES}
    assert {p.file for p in data.parties.values()} == {f"{info.code.lower()}.yaml" for info in PARTIES}
    assert data.cast.password == "demo-portal-passphrase" and len(data.cast.accounts) == 16  # with the observer
    assert data.cast.editors("AL") == ["coordinator.al@demo.ctportal.eu", "contributor.al@demo.ctportal.eu"]
    assert data.parties["RS"].voice.institutions["police"] == ("Police Directorate", "Дирекција полиције")


def test_every_action_of_the_plan_has_a_topic_for_those_who_report_on_it(app):
    data = loader.load(loader.DATA_DIR)
    actions = db.session.scalars(sa.select(Action)).all()
    partner_actions = {a.code for a in actions if a.actor_group == ActorGroup.partner}
    assert partner_actions and partner_actions <= set(data.partner_texts.topics)
    for info in PARTIES:
        voice = data.parties[info.code].voice
        if isinstance(voice, EuVoice):
            mine = {a.code for a in actions if a.actor_group.value == info.actor_group}
            assert mine and mine == set(voice.topics), info.code
        else:
            assert isinstance(voice, PartnerVoice)


def test_every_data_file_is_in_git_so_a_fresh_clone_has_it():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "ctportal/demo/data"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    on_disk = sorted(str(p.relative_to(ROOT)) for p in loader.DATA_DIR.glob("*.yaml"))
    assert on_disk and sorted(listed) == on_disk


@pytest.fixture
def broken(tmp_path):
    """Copy the data files; `broken(file, old, new)` replaces one text in one of them and loads."""
    directory = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, directory)

    def load_with(file: str, old: str, new: str) -> str:
        path = directory / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {file}: the test needs updating"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DemoDataError) as caught:
            loader.load(directory)
        return str(caught.value)

    return load_with


@pytest.mark.parametrize("file, old, new, message", [
    ("rs.yaml", "  reviewer: reviewer@", "  reviewr: reviewer@",
     "rs.yaml: walk_through: unknown key 'reviewr'"),
    ("partners.yaml", "in {month3}", "in {month4}",
     "partners.yaml: middles[1]: unknown placeholder {month4}"),
    ("me.yaml", "- by: reviewer2@demo.ctportal.eu", "- by: reviewer3@demo.ctportal.eu",
     "me.yaml: walk_through.first_review.comments[3].by: 'reviewer3@demo.ctportal.eu' is not a demo account"),
    ("partners.yaml", "    lead: justice\n", "    lead: judiciary\n",
     "partners.yaml: topics.1.P1.lead: 'judiciary' is not an institution every partner names"),
    ("xk.yaml", "  ci_law:", "  critical_infrastructure_law:",
     "partners.yaml: topics.5.P1.law: 'ci_law' is not a law every partner names"),
    ("eurojust.yaml", "state: approved", "state: submitted",
     "eurojust.yaml: walk_through.approval: a report left submitted has no approval"),
    ("cast.yaml", "role: reviewer}", "role: commissioner}",
     "cast.yaml: accounts[2].role: expected one of contributor, coordinator"),
    ("al.yaml", "    achieved: 2\n", "    achieved: two\n",
     "al.yaml: voice.status_weights.achieved: expected a whole number from 0 to 100"),
    ("ba.yaml", "answered: 0.4", "answered: 40",
     "ba.yaml: walk_through.answered: expected a share above 0 and at most 1"),
    ("mk.yaml", "party: MK", "party: ME", "mk.yaml: party: this is the file of MK"),
    ("eu.yaml", "closing: The", "closing: [The", "eu.yaml: cannot be read"),
    ("judgement.yaml", "  approved_by: secretariat@demo.ctportal.eu\n  assessment: good_progress",
     "  approved_by: secretary@demo.ctportal.eu\n  assessment: good_progress",
     "judgement.yaml: texts[3].approved_by: 'secretary@demo.ctportal.eu' is not a demo account"),
    ("partners.yaml", "  3.P10: No cooperation", "  3.P9: No cooperation",
     "partners.yaml: not_applicable: no reason for 3.P10, which xk.yaml answers not applicable"),
])
def test_a_broken_file_is_named_with_the_key(broken, file, old, new, message):
    assert broken(file, old, new).startswith(message)


def test_a_missing_file_is_named(tmp_path):
    shutil.copytree(loader.DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "xk.yaml").unlink()
    with pytest.raises(DemoDataError, match=r"^xk\.yaml: cannot be read"):
        loader.load(tmp_path / "data")


def test_an_entry_the_plan_does_not_have_is_named_when_seeding(runner, app, tmp_path, monkeypatch):
    shutil.copytree(loader.DATA_DIR, tmp_path / "data")
    me = tmp_path / "data" / "me.yaml"
    text = me.read_text(encoding="utf-8")
    me.write_text(text.replace("needs_revision: [2.P1, 4.P1]", "needs_revision: [2.P1, 9.P9]"), encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path / "data")
    loader.demo_data.cache_clear()
    try:
        result = runner.invoke(args=["seed-demo"])
    finally:
        loader.demo_data.cache_clear()
    assert isinstance(result.exception, DemoDataError)
    assert str(result.exception) == ("me.yaml: walk_through.first_review.needs_revision: "
                                     "the report of ME has no entry 9.P9")
