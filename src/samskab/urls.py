from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("medarbejder/opfoelgning/", include("samskab.tracking.urls")),
    path("opfoelgning/", include("samskab.publishing.tracking_urls")),
    path("medarbejder/hoeringsnotat/", include("samskab.publishing.urls")),
    path("api/v1/read/", include("samskab.api.read_urls")),
    path("api/v1/", include("samskab.api.urls")),
    path("medarbejder/analyse/", include("samskab.insights.urls")),
    path("medarbejder/planer/", include("samskab.plans.urls")),
    path("medarbejder/", include("samskab.workspace.urls")),
    path("handlingsplaner/", include("samskab.publishing.plan_urls")),
    path("", include("samskab.publishing.open_urls")),
    path("", include("samskab.publishing.public_urls")),
    path("", include("samskab.consultations.urls")),
]

if settings.SAMSKAB_BENCH_VIEWS:
    # bench/intake.py's yardstick (a minimal form-and-insert view); never on in production.
    from samskab.web import bench_views

    urlpatterns.insert(0, path("bench/minimal/", bench_views.minimal_form))
    urlpatterns.insert(1, path("bench/minimal/<int:pk>/", bench_views.minimal_receipt))
