from django.urls import path

from . import oneroster_views, views

# Names used by the navigation: list, create, review_queue.
urlpatterns = [
    path("", views.interaction_list, name="list"),
    path("new/", views.interaction_create, name="create"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("review/", views.review_queue, name="review_queue"),
    path("students/search/", views.student_search, name="student_search"),
    path("officers/options/", views.officer_options, name="officer_options"),
    path("oneroster/", oneroster_views.oneroster_import, name="oneroster"),
    path("<int:pk>/", views.interaction_detail, name="detail"),
    path("<int:pk>/edit/", views.interaction_edit, name="edit"),
    path("<int:pk>/submit/", views.interaction_submit, name="submit"),
    path("<int:pk>/void/", views.interaction_void, name="void"),
    path("<int:pk>/review/", views.interaction_review, name="review"),
]
