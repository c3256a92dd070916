"""The public reasoned response: "Det sagde I – det gør vi"."""

from django.urls import path

from samskab.insights import views

app_name = "insights_public"

urlpatterns = [
    path("hoeringer/<slug:slug>/det-sagde-i/", views.you_said_we_did, name="you_said_we_did"),
]
