"""The navigation offers exactly the areas policy lets the user into: it asks policy, not its own lists."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from ctportal.web.navigation import NAV
from tests.factories import make_round

# Open to every signed-in user (it lists the reports they may see) but offered to the parties only.
OFFERED_TO_SOME = {"reports.my_reports"}
ROLES = ["admin", "secretariat", "reviewer", "coordinator_al", "contributor_al", "reporter_ec"]


@pytest.mark.parametrize("who", ROLES)
def test_each_entry_shown_opens_and_each_area_that_opens_is_shown(app, client, auth, who):
    make_round()
    auth.login(who)
    home = client.get("/home").get_data(as_text=True)
    nav = home[home.index('aria-label="Main"'):home.index("</nav>")]
    shown = set(re.findall(r'href="([^"]+)"', nav))
    for endpoint, label, _ in NAV:
        with app.test_request_context():
            url = url_for(endpoint)
        status = client.get(url).status_code
        opens = status in (200, 302)
        if url in shown:
            assert opens, f"{who}: {label} ({url}) is offered but answers {status}"
        elif endpoint not in OFFERED_TO_SOME:
            assert not opens, f"{who}: {label} ({url}) opens but is not offered"
