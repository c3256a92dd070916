"""The public pages of what a consultation led to, all read through publishing.selectors."""

from django.urls import path

from samskab.publishing import views

app_name = "published"

urlpatterns = [
    path("hoeringer/<slug:slug>/offentlige-svar/", views.public_responses, name="responses"),
    path("hoeringer/<slug:slug>/det-sagde-i/", views.you_said_we_did, name="you_said_we_did"),
    path("hoeringer/<slug:slug>/hoeringsnotat/", views.notat_public, name="notat"),
    path("hoeringer/<slug:slug>/hoeringsnotat/v<int:version>/hoeringsnotat.<str:fmt>",
         views.notat_public_file, name="notat_file"),
]
