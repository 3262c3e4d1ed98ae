from django.urls import path

from . import family_views
from . import record_views as views

# Included by interactions/urls.py (app_name "interactions") under /interactions/.
urlpatterns = [
    path("records/", views.record_access_list, name="record_access_list"),
    path("records/new/", views.record_access_new, name="record_access_new"),
    path("records/<int:pk>/", views.record_access_detail, name="record_access_detail"),
    path("records/<int:pk>/decide/", views.record_access_decide_view, name="record_access_decide"),
    path("records/students/<str:student_id>/log/", views.disclosure_log_view,
         name="disclosure_log"),
    path("records/students/<str:student_id>/log.csv", views.disclosure_log_csv,
         name="disclosure_log_csv"),
    path("records/students/<str:student_id>/log.pdf", views.disclosure_log_pdf,
         name="disclosure_log_pdf"),
    path("records/students/<str:student_id>/log/<int:entry_pk>/correct/",
         views.disclosure_correct_view, name="disclosure_correct"),
    path("records/family/", family_views.family_request_list, name="family_request_list"),
    path("records/family/<int:pk>/", family_views.family_request_detail,
         name="family_request_detail"),
    path("records/family/<int:pk>/fulfil/", family_views.family_request_fulfil_view,
         name="family_request_fulfil"),
]
