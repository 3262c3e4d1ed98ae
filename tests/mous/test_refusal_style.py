"""An MOU approval refusal lists the missing elements as an error, not as success ticks."""

from django.core.exceptions import ValidationError

from mous.admin import MOUAdmin, refusal


def test_refusal_lists_missing_elements_in_their_own_list():
    html = str(refusal(ValidationError(["MOU v2 lacks 2 required elements:",
                                        "Who supervises the SRO", "Duty hours"])))
    assert html.startswith("MOU v2 lacks 2 required elements:")
    assert '<ul class="mou-missing-list"><li>Who supervises the SRO</li><li>Duty hours</li>' in html


def test_the_style_that_resets_the_ticks_loads_on_the_list_and_change_pages():
    assert "css/mous.css" in MOUAdmin.Media.css["all"]
    css = open("static/css/mous.css", encoding="utf-8").read()
    assert "ul.messagelist li ul.mou-missing-list li" in css
    assert "background: none" in css
