"""The Commission's texts of a round (issue 15): reviewers and the secretariat write and approve
them; nobody else sees the pages (404, like a round that does not exist). In the world the round
is open and no edition is final, so a party's read-only view of a text is 404 as well (reading
it after the final edition is tested in tests/test_judgement.py). Approving a text not written
yet is 404 for the Commission too."""
from tests.access.spec import ROUNDS, Route

ROUTES = [
    Route("judgement.index", "GET", "/judgement/rounds/{round}", objects=ROUNDS, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    Route("judgement.text", "GET", "/judgement/rounds/{round}/texts/introduction", objects=ROUNDS, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     200
        secretariat  200
        admin        404
    """),
    Route("judgement.text", "POST", "/judgement/rounds/{round}/texts/introduction", objects=ROUNDS,
          data={"body": "An introduction.", "save": "Save"}, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     302
        secretariat  302
        admin        404
    """),
    Route("judgement.approve", "POST", "/judgement/rounds/{round}/texts/introduction/approve", objects=ROUNDS,
          data={"version": "1"}, expect="""
                     round
        anonymous    302
        contributor  404
        coordinator  404
        eu_reporter  404
        reviewer     404
        secretariat  404
        admin        404
    """),
]
