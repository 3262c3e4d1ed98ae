from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("build/", views.build, name="build"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("publish/", views.publish, name="publish"),
    path("crdc/", views.crdc, name="crdc"),
    path("published/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("published/<int:pk>/", views.published, name="published"),
    path("published/<int:pk>/download/<str:fmt>/", views.published_download,
         name="published_download"),
]
