"""The plan editor's pages, under /medarbejder/planer/."""

from django.urls import path

from samskab.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("strategier/", views.strategies, name="strategies"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/rediger/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/plan.json", views.plan_export, name="export"),
    path("<int:pk>/forpligtelser/ny/", views.commitment_new, name="commitment_new"),
    path("<int:pk>/tjek/", views.commitment_check, name="commitment_check"),
    path("<int:pk>/versioner/", views.versions, name="versions"),
    path("<int:pk>/kommentering/", views.publish_for_comment, name="publish"),
    path("<int:pk>/vedtag/", views.adopt, name="adopt"),
    path("<int:pk>/videre/", views.advance, name="advance"),
    path("forpligtelser/<int:pk>/", views.commitment_edit, name="commitment"),
    path("forpligtelser/<int:pk>/slet/", views.commitment_delete, name="commitment_delete"),
    path("forpligtelser/<int:pk>/milepaele/", views.milestones, name="milestones"),
    path("forpligtelser/<int:pk>/kilder/", views.sources, name="sources"),
    path("milepaele/<int:pk>/", views.milestone_edit, name="milestone"),
    path("milepaele/<int:pk>/slet/", views.milestone_delete, name="milestone_delete"),
    path("kilder/<int:pk>/fjern/", views.source_unlink, name="source_unlink"),
]
