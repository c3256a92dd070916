"""Routing a mail to its consultation: the recipient address first, then the subject tag,
however people spell "OGP-høring"."""

from __future__ import annotations

from pathlib import Path

import pytest

from samskab.consultations.intake.mime import ParsedMessage, parse_message
from samskab.consultations.intake.routing import (
    Route,
    fold,
    route_message,
    subject_has_tag,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail"

ROUTES = [
    Route("ogp-2012", "hoering@digst.dk", "OGP-høring"),
    Route("ogp-2013", "ogp2013@hoering.digst.dk", "OGP-høring 2013"),
    Route("aabne-data", None, "Åbne data"),
]


def message(subject: str = "", *, to: str = "kontor@example.dk", extra: str = "") -> ParsedMessage:
    raw = f"From: a@example.dk\nTo: {to}\n{extra}Subject: {subject}\n\nTekst.\n".encode()
    return parse_message(raw)


@pytest.mark.parametrize(
    "subject",
    [
        "OGP-høring",
        "OGP høring",
        "Sv: OGP-HØRING",
        "SV: Fwd: ogp-hoering",
        "OGP-horing",
        "[OGP-høring]",
        "[OGP-høring] Forslag om åbne data",
        "Re: Re: VS: ogp høring - mit svar",
        "ogphøring",
        "Svar på OGP-høringen",
        "OGP-høringssvar fra Ærø Kommune",
        "=?utf-8?Q?Sv=3A_OGP-H=C3=98RING?=",
        "=?iso-8859-1?Q?OGP-h=F8ring?=",
        "=?utf-7?Q?OGP-h+APg-ring?=",
        "OGP-ho\u0308ring",  # ö written as o + combining diaeresis
        "„OGP-høring“ – fiskerikvoter",
    ],
)
def test_tag_spellings_route_to_the_consultation(subject):
    assert route_message(message(subject), ROUTES) == "ogp-2012"


@pytest.mark.parametrize(
    "subject",
    [
        "Høring om OGP",
        "OGP",
        "Høring",
        "Mine tanker",
        "OGP-hør",
        "XOGP-høring",
        "",
        "OGP-høringsvarslingerne",
    ],
)
def test_subjects_without_the_tag_are_unrouted(subject):
    assert route_message(message(subject), ROUTES) is None


def test_the_longest_matching_tag_wins():
    assert route_message(message("Sv: OGP-høring 2013 – forslag"), ROUTES) == "ogp-2013"


def test_tag_with_danish_letters_matches_spelled_out_subject():
    assert route_message(message("Aabne data: mit forslag"), ROUTES) == "aabne-data"
    assert route_message(message("ÅBNE DATA"), ROUTES) == "aabne-data"


def test_recipient_address_wins_over_subject():
    msg = message("OGP-høring 2013", to="hoering@digst.dk")
    assert route_message(msg, ROUTES) == "ogp-2012"


def test_address_comparison_ignores_case():
    msg = parse_message((FIXTURES / "38-crlf-folded-recipients.eml").read_bytes())
    assert route_message(msg, [Route("ogp-2012", "hoering@digst.dk", None)]) == "ogp-2012"


def test_intake_address_configured_with_a_name_still_matches():
    routes = [Route("ogp-2012", "Høringssekretariatet <Hoering@Digst.dk>", None)]
    assert route_message(message("x", to="hoering@digst.dk"), routes) == "ogp-2012"


def test_cc_address_routes():
    msg = message("Hej", extra="Cc: Høring <hoering@digst.dk>\n")
    assert route_message(msg, ROUTES) == "ogp-2012"


def test_delivered_to_routes_a_bcc_copy():
    msg = parse_message((FIXTURES / "24-delivered-to-bcc.eml").read_bytes())
    routes = [*ROUTES, Route("bcc", "ogp2012@hoering.digst.dk", None)]
    assert route_message(msg, routes) == "bcc"


def test_plus_address_detail_names_the_consultation():
    msg = parse_message((FIXTURES / "23-plus-addressed.eml").read_bytes())
    assert msg.subject == "Mine tanker"
    assert route_message(msg, ROUTES) == "ogp-2012"
    routes = [
        Route("ogp-2012", "hoering@digst.dk", None),
        Route("ogp-2013", "hoering@digst.dk", None),
    ]
    assert route_message(msg, routes) == "ogp-2012"


def test_plus_address_equal_to_the_intake_address_routes():
    routes = [Route("ogp-2012", "hoering+ogp-2012@digst.dk", None)]
    assert route_message(message("x", to="Hoering+OGP-2012@digst.dk"), routes) == "ogp-2012"


def test_plus_address_with_an_unknown_detail_does_not_route_by_address():
    routes = [Route("ogp-2012", "hoering+ogp-2012@digst.dk", None)]
    assert route_message(message("x", to="hoering+andet@digst.dk"), routes) is None


def test_shared_address_lets_the_subject_decide():
    routes = [
        Route("ogp-2012", "hoering@digst.dk", "OGP-høring"),
        Route("budget", "hoering@digst.dk", "Budgethøring"),
    ]
    assert route_message(message("Sv: budgethøring", to="hoering@digst.dk"), routes) == "budget"
    assert route_message(message("Spørgsmål", to="hoering@digst.dk"), routes) is None


def test_two_consultations_with_the_same_tag_are_ambiguous_and_unrouted():
    routes = [Route("a", None, "OGP-høring"), Route("b", None, "OGP høring")]
    assert route_message(message("OGP-høring"), routes) is None


def test_forwarded_message_subject_is_used_when_the_outer_one_has_no_tag():
    inner = (
        "From: anne@example.dk\nSubject: OGP-høring\n\nMit svar.\n"
    )
    raw = (
        "From: lars@example.dk\nTo: kontor@example.dk\nSubject: Til jer\n"
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSe her.\n"
        f"--b\nContent-Type: message/rfc822\n\n{inner}\n--b--\n"
    ).encode()
    assert route_message(parse_message(raw), ROUTES) == "ogp-2012"


def test_tag_in_the_first_lines_of_the_letter_routes_when_the_subject_has_none():
    raw = "From: a@example.dk\nSubject: Mit svar\n\nVedr.: OGP-høring\n\nVi foreslår ...\n"
    assert route_message(parse_message(raw.encode()), ROUTES) == "ogp-2012"


def test_tag_deep_in_a_quoted_reply_does_not_route():
    raw = (
        "From: a@example.dk\nSubject: Spørgsmål\n\nHvornår er fristen?\n\n"
        "Den 1. mar. 2012 skrev Digitaliseringsstyrelsen <hoering@digst.dk>:\n"
        "> Send svar mærket OGP-høring\n"
    )
    assert route_message(parse_message(raw.encode()), ROUTES) is None


def test_plain_tuples_are_accepted_as_routes():
    assert route_message(message("OGP-hoering"), [("ogp-2012", None, "OGP-høring")]) == "ogp-2012"


def test_routes_without_tag_or_address_never_match():
    assert route_message(message("OGP-høring"), [Route("x", None, None)]) is None
    assert not subject_has_tag("OGP-høring", "")


def test_fold_makes_danish_spellings_equal():
    assert fold("Høring") == fold("hoering") == fold("HORING")
    assert fold("Ærø") == fold("aeroe") == fold("Aero")
    assert fold("Åben") == fold("aaben") == fold("a\u030aben")
