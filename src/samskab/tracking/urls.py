"""Staff pages of tracking, under /medarbejder/opfoelgning/."""

from django.urls import path

from samskab.tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.home, name="home"),
    path("planer/<slug:slug>/", views.plan_dashboard, name="plan"),
    path("planer/<slug:slug>/<slug:chart>.csv", views.plan_chart_csv, name="plan_csv"),
    path("planer/<slug:slug>/forum/", views.forum_meeting_add, name="forum_add"),
    path("planer/<slug:slug>/selvevaluering/", views.self_assessment_add,
         name="self_assessment_add"),
    path("forpligtelser/<int:pk>/", views.commitment, name="commitment"),
    path("forpligtelser/<int:pk>/vurdering/", views.assessment_save, name="assessment"),
    path("milepaele/<int:pk>/opdater/", views.progress_add, name="progress_add"),
    path("hoeringer/<slug:slug>/", views.consultation_dashboard, name="consultation"),
    path("hoeringer/<slug:slug>/<slug:chart>.csv", views.consultation_chart_csv,
         name="consultation_csv"),
]
