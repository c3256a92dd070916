"""Staff pages of the analysis app, under /medarbejder/analyse/."""

from django.urls import path

from samskab.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.home, name="home"),
    path("hoeringer/<slug:slug>/", views.overview, name="overview"),
    path("hoeringer/<slug:slug>/koer/", views.run, name="run"),
    path("hoeringer/<slug:slug>/grupper/", views.groups, name="groups"),
    path("hoeringer/<slug:slug>/emner/", views.tag_review, name="tags"),
    path("hoeringer/<slug:slug>/emner/kvalitet/", views.tag_quality, name="tag_quality"),
    path("hoeringer/<slug:slug>/ideer/", views.ideas, name="ideas"),
    path("hoeringer/<slug:slug>/tilsidesat/", views.set_aside, name="set_aside"),
    path("hoeringer/<slug:slug>/emner/samlet/", views.tags_decide_bulk, name="tags_bulk"),
    path("tilsidesat/<int:pk>/flyt-tilbage/", views.set_aside_move_back,
         name="set_aside_move_back"),
    path("grupper/<int:pk>/", views.group_detail, name="group"),
    path("grupper/<int:pk>/medlemmer/", views.group_members_decide, name="group_members"),
    path("grupper/<int:pk>/flet/", views.group_merge, name="group_merge"),
    path("medlemmer/<int:pk>/udskil/", views.group_split, name="group_split"),
    path("medlemmer/<int:pk>/bekraeft/", views.group_confirm, name="group_confirm"),
    path("emner/<int:pk>/beslut/", views.tag_decide, name="tag_decide"),
    path("ideer/<int:pk>/", views.idea_detail, name="idea"),
    path("ideer/<int:pk>/omdoeb/", views.idea_rename, name="idea_rename"),
    path("ideer/<int:pk>/flet/", views.idea_merge, name="idea_merge"),
    path("ideer/<int:pk>/del/", views.idea_split, name="idea_split"),
    path("ideer/<int:pk>/stillingtagen/", views.position_set, name="position_set"),
    path("forslag/<int:pk>/flyt/", views.proposal_move, name="proposal_move"),
    path("forslag/<int:pk>/stillingtagen/", views.proposal_position, name="proposal_position"),
]
