"""MILESTONE-NOT-VERIFIABLE's judgement on Danish and English milestone texts."""

import pytest

from samskab.plans.verifiable import judge_milestone, judge_text

# The phrasings the rule was written from (issue 12's examples and their obvious kin).
DEVELOPMENT_CHECKABLE = [
    "Offentliggøre 20 nye datasæt på data.gov.dk",
    "Lovforslag om ændring af offentlighedsloven fremsættes",
    "Lancere borgerportalen",
    "Rapport om brugen af åbne data offentliggøres senest 1. december 2012",
    "50 kommuner har tilsluttet sig NemLog-in",
    "Publish the procurement dataset",
    "Adopt the new freedom of information act",
    "Launch the open data portal",
    "Publish a report on whistleblower protection by December 2012",
    "Train 200 civil servants in open government",
    "Afholde tre dialogmøder med civilsamfundet",
    "Udarbejde en vejledning om aktindsigt",
    "Fremme brugen af åbne data ved at offentliggøre 20 datasæt",
    "Raise awareness through a campaign reaching 10,000 citizens",
    "Launch a support service for citizens",
]
DEVELOPMENT_VAGUE = [
    "Fremme åbenhed i den offentlige sektor",
    "Styrke borgerinddragelsen",
    "Arbejde for at flere data offentliggøres",
    "Undersøge mulighederne for en ny portal",
    "Promote transparency",
    "Strengthen cooperation with civil society",
    "Raise awareness of open government",
    "Work towards more open data",
    "Øge kendskabet til den nye portal",
    "Fortsat fokus på åbenhed",
    "Dialog med civilsamfundet",
    "Bidrage til en mere åben forvaltning",
    "Encourage municipalities to share data",
    "Improve access to information",
]

# Held out: written after the rule, never used to tune it. The test asks for a high share,
# not for all of them: this is a judgement, and its misses are reported, not hidden.
HELD_OUT_CHECKABLE = [
    "Databasen over offentlige tilskud gøres søgbar på nettet i juni 2012",
    "Kommunernes budgetter offentliggøres i et fælles format",
    "Ny bekendtgørelse om genbrug af offentlige data træder i kraft",
    "Evaluering af forsøget afleveres til Folketinget",
    "Digitaliseringsstyrelsen frigiver adressedata gratis",
    "Et register over lobbyisters møder med ministre oprettes og offentliggøres",
    "Mindst 80 procent af ansøgningerne kan indsendes digitalt",
    "Afholdelse af fire regionale konferencer om åben forvaltning",
    "Open the consultation portal for all ministries",
    "Release company ownership data as open data",
    "A whistleblower scheme is set up in every ministry",
    "Guidelines on public participation published on the ministry website",
    "Hold six public hearings in the regions",
    "Complete an independent evaluation of the pilot and publish the findings",
    "Parliament adopts the amended access to documents act",
    "Statusrapport til OGP indsendes inden 31. marts 2013",
]
HELD_OUT_VAGUE = [
    "Styrkelse af den digitale dialog mellem borger og myndighed",
    "Regeringen vil arbejde hen imod større gennemsigtighed",
    "Overveje at gøre flere oplysninger tilgængelige",
    "Understøtte kommunernes arbejde med åbenhed",
    "Fremme en kultur for åbenhed blandt offentligt ansatte",
    "Øge bevidstheden om borgernes rettigheder",
    "Sætte fokus på innovation i den offentlige sektor",
    "Foster a culture of openness",
    "Explore ways to involve citizens in budgeting",
    "Enhance the transparency of public procurement",
    "Work to increase trust in public institutions",
    "Support civil society organisations in their watchdog role",
    "Continue the dialogue with stakeholders",
    "Seek to improve the quality of public information",
]


@pytest.mark.parametrize("text", DEVELOPMENT_CHECKABLE)
def test_checkable_deliverables_are_verifiable(text):
    assert judge_text(text).verifiable, text


@pytest.mark.parametrize("text", DEVELOPMENT_VAGUE)
def test_vague_activities_are_not_verifiable(text):
    judgement = judge_text(text)
    assert not judgement.verifiable, text


def test_held_out_phrasings_are_judged_well():
    right = [t for t in HELD_OUT_CHECKABLE if judge_text(t).verifiable]
    right += [t for t in HELD_OUT_VAGUE if not judge_text(t).verifiable]
    total = len(HELD_OUT_CHECKABLE) + len(HELD_OUT_VAGUE)
    wrong = sorted(set(HELD_OUT_CHECKABLE + HELD_OUT_VAGUE) - set(right))
    assert len(right) / total >= 0.85, wrong


def test_a_checkable_deliverable_makes_a_vague_activity_verifiable():
    assert judge_milestone("Styrke åbenheden om tilskud",
                           "Tilskudsdatabasen offentliggøres på nettet").verifiable
    assert not judge_milestone("Styrke åbenheden om tilskud", "Større åbenhed").verifiable


def test_empty_text_is_not_verifiable():
    assert judge_text("").reason == "no_output"
    assert not judge_milestone("", "").verifiable
