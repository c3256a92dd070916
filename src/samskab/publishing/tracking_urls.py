"""Public pages of implementation, under /opfoelgning/."""

from django.urls import path

from samskab.publishing import tracking_views as views

app_name = "tracking_public"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("planer/<slug:slug>/", views.plan, name="plan"),
    path("planer/<slug:slug>/dokumenter/", views.repository, name="repository"),
    path("planer/<slug:slug>/<slug:chart>.csv", views.plan_csv, name="plan_csv"),
    path("forpligtelser/<int:pk>/", views.commitment, name="commitment"),
    path("hoeringer/<slug:slug>/", views.consultation, name="consultation"),
    path("hoeringer/<slug:slug>/<slug:chart>.csv", views.consultation_csv,
         name="consultation_csv"),
    path("selvevalueringer/<int:pk>/selvevaluering.<str:fmt>", views.self_assessment,
         name="self_assessment"),
    path("dokumentation/<int:pk>/<str:sha256>/", views.evidence, name="evidence"),
]
