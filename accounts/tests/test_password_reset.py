import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_it_mails_a_french_reset_link(alice):
    response = Client().post(reverse("password_reset"), {"email": alice.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Choisissez un nouveau mot de passe Ancrage"
    assert "/mot-de-passe/" in message.body
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_it_says_the_same_for_an_unknown_address(db):
    response = Client().post(
        reverse("password_reset"), {"email": "personne@ancrage.invalid"}, follow=True
    )
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_refuses_a_weak_password(alice):
    Client().post(reverse("password_reset"), {"email": alice.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/" in line)
    client = Client()
    form_url = client.get(link.strip())["Location"]
    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "Ce mot de passe est trop court." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("correct horse battery")


@pytest.mark.django_db
def test_it_changes_the_password_of_a_logged_in_user(client_for, alice):
    response = client_for(alice).post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "une nouvelle phrase longue",
            "new_password2": "une nouvelle phrase longue",
        },
    )
    assert response["Location"] == reverse("my_account")
    alice.refresh_from_db()
    assert alice.check_password("une nouvelle phrase longue")
