"""The accessibility statement: public, linked from every footer (the app's and the admin's),
and it says what conforms, the known exceptions, how to report a barrier and when the
tests last passed."""

import re

from django.urls import reverse


def test_statement_is_public_and_complete(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    text = response.content.decode()
    for heading in ("What conforms", "Known exceptions", "Report a barrier", "Last tested"):
        assert f">{heading}</h2>" in text
    assert "WCAG" in text and "2.1" in text
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', text)


def test_every_footer_links_to_the_statement(client, as_user, staff_a, district_admin):
    link = f'href="{reverse("accessibility")}"'
    assert link in client.get(reverse("login")).content.decode()  # signed out
    assert link in as_user(staff_a).get(reverse("dashboard")).content.decode()
    admin_page = as_user(district_admin).get(reverse("admin:mous_mou_changelist"))
    assert admin_page.status_code == 200 and link in admin_page.content.decode()
