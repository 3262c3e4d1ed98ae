"""Sign-in with the district's accounts (OpenID Connect); 404 unless it is configured."""

from django.urls import path

from . import oidc

urlpatterns = [
    path("authenticate/", oidc.StartView.as_view(), name="oidc_authentication_init"),
    path("callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
]
