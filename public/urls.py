from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/download/<str:fmt>/", views.download, name="download"),
    path("policy/", views.policy, name="policy"),
    path("mou/", views.mou, name="mou"),
    path("methods/", views.methods, name="methods"),
    path("disclosure-record/", views.family_request, name="family_request"),
    path("disclosure-record/sent/", views.family_request_sent, name="family_request_sent"),
]
