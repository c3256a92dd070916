from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# Error pages with the site's header, sign-out and a way back (samskab.web.views).
handler400 = "samskab.web.views.bad_request"
handler403 = "samskab.web.views.permission_denied"
handler404 = "samskab.web.views.page_not_found"
handler500 = "samskab.web.views.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin signs in through the same two-step sign-in as every staff page.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("medarbejder/opfoelgning/", include("samskab.tracking.urls")),
    path("opfoelgning/", include("samskab.publishing.tracking_urls")),
    path("", include("samskab.web.urls")),
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
