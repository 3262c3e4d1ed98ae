from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("student-lookup/", dashboard.student_lookup, name="student_lookup"),
]
