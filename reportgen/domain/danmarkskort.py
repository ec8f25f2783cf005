"""What the danmarkskort of a given year is: the ministry that publishes it and the laws its maps cover."""

from __future__ import annotations

FIRST_YEAR = 2018  # the first danmarkskort (retssikkerhedslovens § 79 b, stk. 1)
# § 79 b, stk. 2 (the decision whether to prepare a handleplan, and informing Ankestyrelsen of a decision not to)
# applies from 1 July 2022: the first map treated under it is the one for 2021, published in 2022.
PLAN_DECISION_FROM = 2021

# The ministry in office when the map for a year is published (around June of the following year):
# (first map year, ministry), oldest first. DOMAIN.md, "Names that depend on the year and the municipality".
MINISTRIES = (
    (2017, "Børne- og Socialministeriet"),
    (2019, "Social- og Indenrigsministeriet"),
    (2020, "Social- og Ældreministeriet"),
    (2022, "Social-, Bolig- og Ældreministeriet"),
    (2024, "Social- og Boligministeriet"),
)

# The laws the general map covers, with the first map year each applies to (barnets lov took effect
# 1 January 2024, ældreloven 1 July 2025), in the order they are named.
LAWS = (
    (0, "serviceloven"),
    (2024, "barnets lov"),
    (2025, "ældreloven"),
)

BARNETS_LOV = 2024  # the first map year whose børnehandicap map is made of barnets lov's provisions
BOERNEHANDICAP_SERVICELOVEN = "servicelovens §§ 32, 32 a, 36, 39–40, 41, 42–43 og 44–45"


def ministry(aar: int) -> str:
    """The ministry that publishes the danmarkskort for the year."""
    name = MINISTRIES[0][1]
    for first, candidate in MINISTRIES:
        if aar >= first:
            name = candidate
    return name


def plan_decision_required(aar: int) -> bool:
    """True when the council must decide on a handleplan for the year's map (§ 79 b, stk. 2)."""
    return aar >= PLAN_DECISION_FROM


def laws(aar: int) -> tuple[str, ...]:
    """The laws whose decisions the general map for the year covers, in lower case as inside a sentence."""
    return tuple(law for first, law in LAWS if aar >= first)


def boernehandicap_provisions(aar: int) -> str:
    """The provisions the børnehandicap map covers, as inside a sentence."""
    if aar >= BARNETS_LOV:
        return f"de bestemmelser i barnets lov, der afløste {BOERNEHANDICAP_SERVICELOVEN}"
    return BOERNEHANDICAP_SERVICELOVEN
