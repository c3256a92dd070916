from django.urls import path

from samskab.workspace import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("hoeringer/<slug:slug>/svar/", views.inbox, name="inbox"),
    path("hoeringer/<slug:slug>/svar/offentliggoer-alle/", views.bulk_publish,
         name="bulk_publish"),
    path("hoeringer/<slug:slug>/svar/offentliggoer-alle/<str:task_id>/",
         views.bulk_publish_status, name="bulk_publish_status"),
    path("hoeringer/<slug:slug>/brev/", views.letter_register, name="letter"),
    path("hoeringer/<slug:slug>/hoeringsliste/", views.invited_parties, name="invited_parties"),
    path("hoeringer/<slug:slug>/hoeringsliste/ny/", views.invited_party_add,
         name="invited_party_add"),
    path("hoeringer/<slug:slug>/hoeringsliste/find-svar/", views.invited_party_match_propose,
         name="invited_party_match_propose"),
    path("hoeringsparter/<int:pk>/rediger/", views.invited_party_edit, name="invited_party_edit"),
    path("hoeringsparter/<int:pk>/fjern/", views.invited_party_remove,
         name="invited_party_remove"),
    path("svar-fra-parter/<int:pk>/bekraeft/", views.invited_party_match_confirm,
         name="match_confirm"),
    path("svar-fra-parter/<int:pk>/afvis/", views.invited_party_match_reject,
         name="match_reject"),
    path("svar/<str:reference>/", views.response_detail, name="response"),
    path("svar/<str:reference>/offentliggoer/", views.response_publish, name="publish"),
    path("svar/<str:reference>/tilbagehold/", views.response_withhold, name="withhold"),
    path("svar/<str:reference>/afvis/", views.response_reject, name="reject"),
    path("svar/<str:reference>/find-personoplysninger/", views.redaction_propose,
         name="redaction_propose"),
    path("svar/<str:reference>/masker/", views.redaction_add, name="redaction_add"),
    path("maskeringer/<int:pk>/accepter/", views.redaction_accept, name="redaction_accept"),
    path("maskeringer/<int:pk>/afvis/", views.redaction_reject, name="redaction_reject"),
    path("bilag/<int:pk>/", views.attachment_download, name="attachment"),
]
