"""The language switcher: remembered per person (it follows them to a new sign-in), the
browser's language by default, unknown languages fall back to English."""

from django.test import Client
from django.urls import reverse

from sro_program.models import LanguagePreference


def _lang(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_choice_follows_the_person_to_a_new_sign_in(as_user, superintendent):
    first = as_user(superintendent)
    response = first.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert LanguagePreference.objects.get(user=superintendent).language == "es"

    # Another browser (no cookie), an English browser: the saved choice wins after sign-in.
    second = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    second.force_login(superintendent)  # fires user_logged_in with the request
    page = second.get(reverse("dashboard"))
    assert _lang(page) == "es"
    assert "Cerrar sesión" in page.content.decode()


def test_browser_language_is_the_default_and_unknown_falls_back_to_english(db, as_user,
                                                                             board_member):
    es = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get(reverse("login"))
    assert _lang(es) == "es"
    de = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").get(reverse("login"))
    assert _lang(de) == "en"
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(board_member)  # no saved choice: the browser decides
    assert _lang(client.get(reverse("dashboard"))) == "es"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _lang(client.get(reverse("dashboard"))) == "en"
