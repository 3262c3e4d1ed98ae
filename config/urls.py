from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from sro_program.forms import AdminLoginForm
from sro_program.language import set_language

from .views import protected_media

admin.site.login_form = AdminLoginForm
admin.site.site_header = "SRO Program administration"
admin.site.site_title = "SRO Program"
admin.site.index_title = "Agencies, officers, MOUs, assignments and training"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("public/", include("public.urls")),
    path("accounts/", include("sro_program.auth_urls")),
    path("oidc/", include("sro_program.oidc_urls")),
    path("admin/", admin.site.urls),
    path("program/", include("sro_program.urls")),
    path("mous/", include("mous.urls")),
    path("interactions/", include("interactions.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("media/<path:path>", protected_media, name="protected_media"),
    # Public: the statement is for anyone, signed in or not (linked from every footer).
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"),
         name="accessibility"),
    path("", include("reports.dashboard_urls")),
]
