"""Sign-in, home and health routes."""
from tests.access.spec import NONE, Route

ROUTES = [
    Route("main.index", "GET", "/", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("main.home", "GET", "/home", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("auth.login", "GET", "/login", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    200
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("auth.login", "POST", "/login", observer_like="admin", objects=NONE, mutates=False,
          data={"email": "nobody@example.eu", "password": "wrong password here"}, expect="""
        -
        anonymous    200
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    # The language switcher: anyone may choose (kept in the session, and on the account when signed in).
    Route("language.choose", "POST", "/language", observer_like="admin", objects=NONE, mutates=True,
          data={"language": "en", "next": "/home"}, expect="""
        -
        anonymous    303
        contributor  303
        coordinator  303
        eu_reporter  303
        reviewer     303
        secretariat  303
        admin        303
    """),
    Route("auth.second_factor", "GET", "/login/second-factor", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("auth.second_factor", "POST", "/login/second-factor", observer_like="admin", objects=NONE, mutates=False,
          data={"code": "000000"}, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    # Only for a half-signed-in session; a signed-in user goes to their account page (account.enable_totp).
    Route("auth.enrol_totp", "GET", "/login/enrol-authenticator", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("auth.enrol_totp", "POST", "/login/enrol-authenticator", observer_like="admin", objects=NONE, mutates=False,
          data={"code": "000000"}, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("auth.logout", "POST", "/logout", observer_like="admin", objects=NONE, mutates=False, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    # "Stay signed in" (issue 13): a script's request, so a signed-out browser gets 401, not the sign-in page.
    Route("auth.keep_alive", "POST", "/session/keep-alive", observer_like="admin", objects=NONE, mutates=False,
          expect="""
        -
        anonymous    401
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("health.healthz", "GET", "/healthz", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    200
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("health.readyz", "GET", "/readyz", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    200
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
]
