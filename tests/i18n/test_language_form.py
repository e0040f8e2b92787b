"""A signed-in person's language: chosen on the account page, saved, audited with from/to; a bad value changes
nothing."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.auth.models import User
from portal.extensions import db
from tests.auth.helpers import event_data, events
from tests.conftest import post, sign_in
from tests.factories import PASSWORD


def _person(factory) -> User:  # noqa: ANN001
    user = factory.user(email="lang@example.org")
    return user


def test_the_account_page_offers_the_languages_in_their_own_names(client: FlaskClient, factory) -> None:  # noqa: ANN001
    _person(factory)
    sign_in(client, "lang@example.org", PASSWORD)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'action="/account/language"' in page
    for label in ("Follow my browser", "English", "简体中文"):
        assert label in page


def test_choosing_chinese_is_saved_audited_and_shown(client: FlaskClient, factory) -> None:  # noqa: ANN001
    user = _person(factory)
    sign_in(client, "lang@example.org", PASSWORD)
    response = post(client, "/account/language", {"locale": "zh_CN"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    db.session.refresh(user)
    assert user.locale == "zh_CN"
    [event] = events("account.language_changed")
    assert event.actor_id == user.id and event_data(event) == {"from": None, "to": "zh_CN"}
    page = client.get("/account/password").get_data(as_text=True)
    assert "语言设置已保存。" in page and '<html lang="zh-Hans">' in page

    assert post(client, "/account/language", {"locale": ""}).status_code == 302  # follow my browser again
    db.session.refresh(user)
    assert user.locale is None
    assert event_data(events("account.language_changed")[-1]) == {"from": "zh_CN", "to": None}


def test_the_same_choice_again_writes_nothing(client: FlaskClient, factory) -> None:  # noqa: ANN001
    _person(factory)
    sign_in(client, "lang@example.org", PASSWORD)
    post(client, "/account/language", {"locale": "en"})
    post(client, "/account/language", {"locale": "en"})
    assert len(events("account.language_changed")) == 1


def test_a_language_not_offered_is_a_400_with_the_error_and_nothing_saved(client: FlaskClient, factory) -> None:  # noqa: ANN001
    user = _person(factory)
    sign_in(client, "lang@example.org", PASSWORD)
    response = post(client, "/account/language", {"locale": "fr_FR"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale is None
    assert events("account.language_changed") == []


def test_signing_in_is_needed(client: FlaskClient) -> None:
    response = post(client, "/account/language", {"locale": "zh_CN"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
