from django.urls import path

from samskab.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("hoeringer/<slug:slug>/", views.consultation_detail, name="detail"),
    path("hoeringer/<slug:slug>/svar/", views.response_create, name="respond"),
    path("kvittering/<str:token>/", views.receipt, name="receipt"),
]
