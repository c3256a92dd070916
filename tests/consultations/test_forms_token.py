"""The response form's hidden token holds no digits: a public page never shows a number that
reads as a CPR number."""

import re

import pytest

from samskab.consultations.forms import ResponseForm, form_token

pytestmark = pytest.mark.nodb


def test_form_tokens_are_letters_only_unique_and_accepted_by_the_form():
    tokens = {form_token() for _ in range(2_000)}
    assert len(tokens) == 2_000
    assert all(re.fullmatch(r"[a-z]{28}", t) for t in tokens)
    form = ResponseForm(data={"idempotency_token": next(iter(tokens))})
    form.is_valid()
    assert form.cleaned_data["idempotency_token"] in tokens
    assert re.fullmatch(r"[a-z]{28}", ResponseForm().initial["idempotency_token"])
