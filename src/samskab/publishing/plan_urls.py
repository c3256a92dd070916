"""Public pages of action plans, under /handlingsplaner/."""

from django.urls import path

from samskab.publishing import plan_views

app_name = "plans_public"

urlpatterns = [
    path("", plan_views.plan_list, name="list"),
    path("<slug:slug>/", plan_views.plan_detail, name="plan"),
    path("<slug:slug>/handlingsplan.<str:fmt>", plan_views.plan_download, name="download"),
    path("<slug:slug>/<str:identifier>/", plan_views.commitment_detail, name="commitment"),
]
