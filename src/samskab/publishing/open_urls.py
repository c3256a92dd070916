from django.urls import path

from samskab.publishing import feeds, open_views

app_name = "opendata"

urlpatterns = [
    path("data/", open_views.open_data, name="index"),
    path("soeg/", open_views.search, name="search"),
    path("data/planer/<slug:slug>/seneste.zip", open_views.plan_release_latest,
         name="plan_release_latest"),
    path("data/planer/<slug:slug>/udgivelser/<int:release_id>.zip",
         open_views.plan_release_dated, name="plan_release_dated"),
    path("data/katalog.ttl", open_views.catalogue_ttl, name="catalogue_ttl"),
    path("data/katalog.jsonld", open_views.catalogue_jsonld, name="catalogue_jsonld"),
    path("data/hoeringer/<slug:slug>/svar.csv", open_views.responses_csv, name="responses_csv"),
    path("data/hoeringer/<slug:slug>/svar.json", open_views.responses_jsonl,
         name="responses_jsonl"),
    path("data/hoeringer/<slug:slug>/seneste.zip", open_views.release_latest,
         name="release_latest"),
    path("data/hoeringer/<slug:slug>/udgivelser/<int:release_id>.zip",
         open_views.release_dated, name="release_dated"),
    path("feeds/hoeringer.atom", feeds.ConsultationsFeed(), name="feed_consultations"),
    path("feeds/dokumenter.atom", feeds.DocumentsFeed(), name="feed_documents"),
    path("feeds/planer/<slug:slug>/fremdrift.atom", feeds.PlanProgressFeed(),
         name="feed_plan_progress"),
    path("kalender/frister.ics", open_views.deadlines_ics, name="calendar"),
    path("abonnement/", open_views.subscribe, name="subscribe"),
    path("abonnement/bekraeft/<str:token>/", open_views.subscription_confirm,
         name="subscription_confirm"),
    path("abonnement/afmeld/<str:token>/", open_views.subscription_cancel,
         name="subscription_cancel"),
]
