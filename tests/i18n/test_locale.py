"""The locale selector: a signed-in person's saved choice, else a visitor's switch, else Accept-Language, else
English; <html lang> follows it, and the API stays English."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from tests.conftest import sign_in
from tests.factories import PASSWORD

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _lang(client: FlaskClient, path: str = "/sign-in", **headers: str) -> str:
    page = client.get(path, headers=headers).get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_gets_english_by_default(client: FlaskClient) -> None:
    assert _lang(client) == "en"
    assert "Sign in" in client.get("/sign-in").get_data(as_text=True)


def test_accept_language_zh_cn_picks_simplified_chinese_for_a_visitor(client: FlaskClient) -> None:
    assert _lang(client, **CHINESE) == "zh-Hans"
    page = client.get("/sign-in", headers=CHINESE).get_data(as_text=True)
    assert "<h1>登录</h1>" in page


@pytest.mark.parametrize("header", ["zh", "zh-Hans", "zh_CN", "fr-FR,zh;q=0.5"])
def test_other_spellings_of_chinese_match_too(client: FlaskClient, header: str) -> None:
    assert _lang(client, **{"Accept-Language": header}) == "zh-Hans"


@pytest.mark.parametrize("header", ["fr-FR", "de,ja;q=0.8", "xx-invalid", ""])
def test_unknown_languages_fall_back_to_english(client: FlaskClient, header: str) -> None:
    assert _lang(client, **{"Accept-Language": header}) == "en"


def test_the_visitor_switch_keeps_the_choice_in_the_session(client: FlaskClient) -> None:
    assert _lang(client, "/sign-in?lang=zh_CN") == "zh-Hans"
    assert _lang(client) == "zh-Hans"  # remembered
    assert _lang(client, "/sign-in?lang=en", **CHINESE) == "en"  # the switch beats the browser
    assert _lang(client, "/sign-in?lang=klingon") == "en"  # an unknown code is ignored


def test_the_saved_choice_beats_accept_language(app: Flask, client: FlaskClient, factory) -> None:  # noqa: ANN001
    user = factory.user(email="saved@example.org")
    user.locale = "zh_CN"
    db.session.commit()
    sign_in(client, "saved@example.org", PASSWORD)
    assert _lang(client, "/dashboard", **{"Accept-Language": "en-GB"}) == "zh-Hans"
    user.locale = "en"
    db.session.commit()
    assert _lang(client, "/dashboard", **CHINESE) == "en"


def test_no_saved_choice_follows_the_browser(app: Flask, client: FlaskClient, factory) -> None:  # noqa: ANN001
    factory.user(email="browser@example.org")
    sign_in(client, "browser@example.org", PASSWORD)
    assert _lang(client, "/dashboard", **CHINESE) == "zh-Hans"
    assert _lang(client, "/dashboard") == "en"


def test_error_pages_are_translated_but_api_problems_stay_english(client: FlaskClient) -> None:
    page = client.get("/no-such-page", headers=CHINESE)
    assert page.status_code == 404
    assert "页面不存在" in page.get_data(as_text=True)
    problem = client.get("/api/v1/no-such-thing", headers=CHINESE)
    assert problem.status_code == 404
    assert problem.get_json()["title"] == "Not found"
