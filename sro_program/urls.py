from django.urls import path

from . import views

app_name = "sro_program"

urlpatterns = [
    path("compliance/", views.compliance, name="compliance"),
    path("presentations/", views.presentation_list, name="presentation_list"),
    path("presentations/new/", views.presentation_create, name="presentation_create"),
    path("presentations/<int:pk>/decide/", views.presentation_decide, name="presentation_decide"),
]
