"""Public pages of the workspace's output: published responses (the one door out)."""

from django.urls import path

from samskab.workspace import views

app_name = "published"

urlpatterns = [
    path("hoeringer/<slug:slug>/offentlige-svar/", views.public_responses, name="responses"),
]
