"""Sign-in and the site's fixed pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from samskab.web import accounts, views

urlpatterns = [
    path("login/", accounts.PasswordStepView.as_view(), name="login"),
    path("login/kode/", accounts.login_code, name="login_code"),
    path("login/ny-app/", accounts.login_enrol, name="login_enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/glemt-adgangskode/", accounts.PasswordResetView.as_view(),
         name="password_reset"),
    path("login/glemt-adgangskode/sendt/", accounts.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("login/ny-adgangskode/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("login/ny-adgangskode/faerdig/", accounts.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("tilgaengelighed/", views.accessibility_statement, name="accessibility"),
    path("privatliv/", views.privacy, name="privacy"),
    path("kontakt/", views.contact, name="contact"),
]
