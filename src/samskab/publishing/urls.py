from django.urls import path

from samskab.publishing import views

app_name = "publishing"

urlpatterns = [
    path("<slug:slug>/", views.notat_edit, name="notat"),
    path("<slug:slug>/hoeringsnotat.<str:fmt>", views.notat_download, name="notat_download"),
]
