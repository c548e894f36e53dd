"""The parties of the plan and how the EU names them, for screens, exports and PDFs."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marker, known to pybabel
    """Marks a string for the translation catalogues (issue 17) without translating it here: the
    names stay English in the data, the PDFs and exports; screens translate them (web/templating.py)."""
    return message


KOSOVO_FOOTNOTE = N_(
    "*This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)


@dataclass(frozen=True)
class PartyInfo:
    code: str
    name: str
    native_name: str
    kind: str            # PartyKind value
    actor_group: str     # ActorGroup value the party reports on
    name_footnote: str = ""


# In the order the EU lists them (alphabetical in English), then the EU side.
PARTIES: tuple[PartyInfo, ...] = (
    PartyInfo("AL", N_("Albania"), "Shqipëria", "wb_partner", "partner"),
    PartyInfo("BA", N_("Bosnia and Herzegovina"), "Bosna i Hercegovina / Босна и Херцеговина",
              "wb_partner", "partner"),
    PartyInfo("XK", N_("Kosovo"), "Kosova / Косово", "wb_partner", "partner", KOSOVO_FOOTNOTE),
    PartyInfo("ME", N_("Montenegro"), "Crna Gora / Црна Гора", "wb_partner", "partner"),
    PartyInfo("MK", N_("North Macedonia"), "Северна Македонија", "wb_partner", "partner"),
    PartyInfo("RS", N_("Serbia"), "Србија", "wb_partner", "partner"),
    PartyInfo("EC", N_("European Commission"), "", "eu", "eu"),
    PartyInfo("EUROPOL", N_("Europol"), "", "eu", "europol"),
    PartyInfo("EUROJUST", N_("Eurojust"), "", "eu", "eurojust"),
)


def display_name(party) -> str:
    """A party's name as the EU prints it: "Kosovo*" where a designation footnote applies."""
    if party is None:
        return ""
    return party.name + ("*" if party.name_footnote else "")


def local_name(party) -> str:
    """display_name() in the reader's language (screens, mail): the English name outside a request."""
    if party is None:
        return ""
    return gettext(party.name) + ("*" if party.name_footnote else "")


class FootnoteTracker:
    """Gives a party's name with "*" everywhere, and its footnote text once, on first mention.

    One tracker per document (a PDF, an export): `mention(party)` returns the display name
    and remembers which footnotes the document must carry.
    """

    def __init__(self) -> None:
        self.footnotes: list[str] = []

    def mention(self, party) -> str:
        if party is not None and party.name_footnote and party.name_footnote not in self.footnotes:
            self.footnotes.append(party.name_footnote)
        return display_name(party)
