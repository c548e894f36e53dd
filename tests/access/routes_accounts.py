"""Accounts: the user's own account, administration of accounts and parties, one-time links, outbox."""
from tests.access.spec import ACCOUNTS, NONE, PARTIES, Route
from tests.helpers import PASSWORD

NEW_PASSWORD = "a brand new passphrase for the matrix"

# Only administrators: others are refused (403) before any account is even looked up.
ADMIN_ONLY = """
    -
    anonymous    302
    contributor  403
    coordinator  403
    eu_reporter  403
    reviewer     403
    secretariat  403
    admin        {admin}
"""


def admin_only(admin: int, objects=NONE) -> str:
    header = " ".join(objects)
    rows = [line for line in ADMIN_ONLY.strip().splitlines()[1:]]
    return "\n".join([header] + [line.replace("302", " ".join(["302"] * len(objects)))
                                 .replace("403", " ".join(["403"] * len(objects)))
                                 .replace("{admin}", " ".join([str(admin)] * len(objects))) for line in rows])


ROUTES = [
    # --- the user's own account -------------------------------------------------------------------
    Route("account.settings", "GET", "/account", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("account.change_password", "POST", "/account/password", observer_like="admin", objects=NONE,
          data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    # Party users of a party without the requirement may turn it on; the Commission side has it already.
    Route("account.enable_totp", "GET", "/account/two-step", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("account.enable_totp", "POST", "/account/two-step", observer_like="admin", objects=NONE, mutates=False,
          data={"code": "000000"}, expect="""
        -
        anonymous    302
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     302
        secretariat  302
        admin        302
    """),
    # Nobody in the world may turn it off: the party users have none, the Commission side must keep it.
    Route("account.disable_totp", "POST", "/account/two-step/disable", observer_like="admin", objects=NONE, mutates=False,
          data={"disable-password": PASSWORD}, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),
    Route("account.regenerate_recovery_codes", "POST", "/account/two-step/recovery-codes", observer_like="admin", objects=NONE,
          data={"codes-password": PASSWORD}, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("account.sign_out_everywhere", "POST", "/account/sign-out-everywhere", observer_like="admin", objects=NONE, expect="""
        -
        anonymous    302
        contributor  302
        coordinator  302
        eu_reporter  302
        reviewer     302
        secretariat  302
        admin        302
    """),

    # --- administration ---------------------------------------------------------------------------
    Route("admin.users", "GET", "/admin/users", objects=NONE, expect=admin_only(200)),
    Route("admin.invite", "GET", "/admin/users/invite", objects=NONE, expect=admin_only(200)),
    Route("admin.invite", "POST", "/admin/users/invite", objects=NONE,
          data={"name": "New Person", "email": "new.person@example.eu", "role": "contributor", "party": "AL"},
          expect=admin_only(302)),
    Route("admin.edit_user", "GET", "/admin/users/{user}", objects=ACCOUNTS, expect=admin_only(200, ACCOUNTS)),
    Route("admin.edit_user", "POST", "/admin/users/{user}", objects=ACCOUNTS,
          data={"name": "Renamed Person", "role": "contributor", "party": "AL"},
          expect=admin_only(302, ACCOUNTS)),
    Route("admin.deactivate", "POST", "/admin/users/{user}/deactivate", objects=ACCOUNTS,
          expect=admin_only(302, ACCOUNTS)),
    Route("admin.reactivate", "POST", "/admin/users/{user}/reactivate", objects=ACCOUNTS,
          expect=admin_only(302, ACCOUNTS)),
    Route("admin.unlock", "POST", "/admin/users/{user}/unlock", objects=ACCOUNTS,
          expect=admin_only(302, ACCOUNTS)),
    Route("admin.reset_two_step", "POST", "/admin/users/{user}/reset-two-step", objects=ACCOUNTS,
          expect=admin_only(302, ACCOUNTS)),
    Route("admin.resend_invitation", "POST", "/admin/users/{user}/resend-invitation", objects=ACCOUNTS,
          expect=admin_only(302, ACCOUNTS)),
    Route("admin.parties", "GET", "/admin/parties", objects=NONE, expect=admin_only(200)),
    Route("admin.party_two_step", "POST", "/admin/parties/{party}/two-step", objects=PARTIES,
          data={"require_2fa": "y"}, expect=admin_only(302, PARTIES)),
    Route("mail.outbox", "GET", "/admin/outbox", objects=NONE, expect=admin_only(200)),

    # --- one-time links and the forgotten password (open to everyone, signed in or not) -------------
    Route("auth.accept_invite", "GET", "/invite/{token}", observer_like="admin", objects=("invite_link", "reset_link"), public=True, expect="""
                     invite_link reset_link
        anonymous    200         404
        contributor  200         404
        coordinator  200         404
        eu_reporter  200         404
        reviewer     200         404
        secretariat  200         404
        admin        200         404
    """),
    Route("auth.accept_invite", "POST", "/invite/{token}", observer_like="admin", objects=("invite_link", "reset_link"),
          data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, public=True, expect="""
                     invite_link reset_link
        anonymous    302         404
        contributor  302         404
        coordinator  302         404
        eu_reporter  302         404
        reviewer     302         404
        secretariat  302         404
        admin        302         404
    """),
    Route("auth.reset_password", "GET", "/reset/{token}", observer_like="admin", objects=("invite_link", "reset_link"), public=True, expect="""
                     invite_link reset_link
        anonymous    404         200
        contributor  404         200
        coordinator  404         200
        eu_reporter  404         200
        reviewer     404         200
        secretariat  404         200
        admin        404         200
    """),
    Route("auth.reset_password", "POST", "/reset/{token}", observer_like="admin", objects=("invite_link", "reset_link"),
          data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, public=True, expect="""
                     invite_link reset_link
        anonymous    404         302
        contributor  404         302
        coordinator  404         302
        eu_reporter  404         302
        reviewer     404         302
        secretariat  404         302
        admin        404         302
    """),
    Route("auth.forgot_password", "GET", "/forgot-password", observer_like="admin", objects=NONE, public=True, expect="""
        -
        anonymous    200
        contributor  200
        coordinator  200
        eu_reporter  200
        reviewer     200
        secretariat  200
        admin        200
    """),
    Route("auth.forgot_password", "POST", "/forgot-password", observer_like="admin", objects=NONE, mutates=False,
          data={"email": "nobody@example.eu"}, public=True, expect="""
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
