from django.urls import path

from samskab.api import views

app_name = "api"

urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path(
        "consultations/<slug:slug>/responses", views.response_create, name="responses",
    ),
    path(
        "consultations/<slug:slug>/responses/batch", views.response_batch_create,
        name="responses-batch",
    ),
]
