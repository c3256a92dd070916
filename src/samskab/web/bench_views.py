"""A minimal Django form-and-insert view, the yardstick of `bench/intake.py`.

Mounted only when SAMSKAB_BENCH_VIEWS is true (never in production): the benchmark measures
the real response form beside this view in the same run, on the same server and client, so its
figures are ratios that survive a noisy machine. It does what any Django form view must (CSRF
cookie and token, form validation, one INSERT in a transaction, redirect, a receipt page that
reads the row back) and nothing of ours.
"""

import functools
import uuid

from django import forms
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template import engines
from django.utils.html import escape

from samskab.consultations.models import Respondent

_FORM_PAGE = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Bench</title>
</head><body><form method="post" enctype="multipart/form-data" action="/bench/minimal/">
<input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">
<input type="hidden" name="idempotency_token" value="{{ token }}">
<textarea name="text"></textarea><button type="submit">Send</button></form></body></html>"""


@functools.cache
def _form_page():
    return engines["django"].from_string(_FORM_PAGE)


class MinimalForm(forms.Form):
    text = forms.CharField(max_length=100_000)
    idempotency_token = forms.CharField(max_length=64, required=False)


def minimal_form(request):
    if request.method == "POST":
        form = MinimalForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                row = Respondent.objects.create(
                    kind="other", organisation=form.cleaned_data["idempotency_token"],
                    name=form.cleaned_data["text"][:300],
                )
            return HttpResponseRedirect(f"/bench/minimal/{row.pk}/")
        return HttpResponse(escape(str(form.errors)), status=400)
    return HttpResponse(_form_page().render(
        {"csrf_token": get_token(request), "token": uuid.uuid4().hex}, request,
    ))


def minimal_receipt(request, pk: int):
    row = Respondent.objects.filter(pk=pk).values_list("pk", "organisation").first()
    if row is None:
        raise Http404
    return HttpResponse(f"<!DOCTYPE html><p>Kvittering {row[0]} {escape(row[1])}</p>")
