from django.urls import reverse

from interactions.models import Interaction


def test_staff_logs_interaction(as_user, staff_a, form_data):
    client = as_user(staff_a)
    assert client.get(reverse("interactions:create")).status_code == 200
    response = client.post(reverse("interactions:create"), form_data)
    assert response.status_code == 302, response.content.decode()[:3000]
    i = Interaction.objects.get()
    assert i.status == "submitted"
    assert client.get(reverse("interactions:detail", args=[i.pk])).status_code == 200
    assert client.get(reverse("interactions:list")).status_code == 200
