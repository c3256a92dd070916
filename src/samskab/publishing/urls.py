from django.urls import path

from samskab.publishing import views

app_name = "publishing"

urlpatterns = [
    path("<slug:slug>/", views.notat_edit, name="notat"),
    path("<slug:slug>/offentliggoer/", views.notat_publish, name="notat_publish"),
    path("<slug:slug>/stillingtagen/", views.positions_bulk, name="positions_bulk"),
    path("<slug:slug>/hoeringsnotat.<str:fmt>", views.notat_download, name="notat_download"),
]
