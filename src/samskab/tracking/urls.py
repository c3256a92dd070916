"""Staff pages of tracking, under /medarbejder/opfoelgning/."""

from django.urls import path

from samskab.tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.home, name="home"),
    path("planer/<slug:slug>/", views.plan_dashboard, name="plan"),
    path("planer/<slug:slug>/<slug:chart>.csv", views.plan_chart_csv, name="plan_csv"),
    path("forpligtelser/<int:pk>/", views.commitment, name="commitment"),
    path("milepaele/<int:pk>/opdater/", views.progress_add, name="progress_add"),
    path("hoeringer/<slug:slug>/", views.consultation_dashboard, name="consultation"),
    path("hoeringer/<slug:slug>/<slug:chart>.csv", views.consultation_chart_csv,
         name="consultation_csv"),
]
