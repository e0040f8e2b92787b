"""A refusal is one message in two languages: the page shows it in the reader's language, the JSON API keeps it in
English (its problem `detail`). The message is marked once where it is raised (N_ with its params) and translated
where a page shows it (`refusal.translated()`)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh

from portal.auth.roles import Role
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import Label, Message
from tests.api.conftest import as_user, problem
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}

WRONG_PASSWORD_EN = "The password you entered is not correct. Nothing was signed."
WRONG_PASSWORD_ZH = "您输入的密码不正确。未签署任何内容。"
WRONG_NAME_EN = "Type your name exactly as it appears on your account: Ada Fictional."
WRONG_NAME_ZH = "请按账户上显示的姓名准确输入：Ada Fictional。"


def _chinese_reader(app: Flask, user: object) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def _sign_on_page(client: FlaskClient, proposal_id: int, **data: str) -> str:
    path = f"/proposals/{proposal_id}/submit"
    form = {"csrf_token": csrf_token(client, path), "attest": "y", **data}
    response = client.post(path, data=form, headers=CHINESE, follow_redirects=True)
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "english", "chinese"),
    [
        ({"printed_name": "Ada Fictional", "password": "not the password"}, WRONG_PASSWORD_EN, WRONG_PASSWORD_ZH),
        ({"printed_name": "Somebody Else", "password": PASSWORD}, WRONG_NAME_EN, WRONG_NAME_ZH),
    ],
    ids=["wrong password", "wrong printed name (a message with a param)"],
)
def test_a_signing_refusal_is_chinese_on_the_page_and_english_in_the_api(app, factory, data, english, chinese):  # noqa: ANN001
    pi = factory.user(Role.INVESTIGATOR, name="Ada Fictional")
    on_page, over_api = factory.proposal(pi, title="Page draft"), factory.proposal(pi, title="API draft")
    db.session.commit()

    page = _sign_on_page(_chinese_reader(app, pi), on_page.id, **data)
    assert chinese in page
    assert english not in page

    body = {"password": data["password"], "printed_name": data["printed_name"], "attest": True}
    refused = app.test_client().post(f"/api/v1/proposals/{over_api.id}/submit", json=body,
                                     headers={**as_user(pi), **CHINESE})
    assert problem(refused, 422)["detail"] == english  # the API answers in English whatever the reader's language


def test_str_is_english_and_translated_follows_the_reader(app) -> None:  # noqa: ANN001
    """The mechanism itself: params (a label, a nested message) are English in str() and translated with it."""
    refusal = PortalError("A proposal that is %(state)s cannot be edited.", state=Label("Submitted", lower=True))
    assert str(refusal) == "A proposal that is submitted cannot be edited."
    nested = PortalError("Quorum does not hold: %(reason)s. The minutes were not approved.",
                     reason=Message("no non-scientist member is present"))
    assert str(nested) == "Quorum does not hold: no non-scientist member is present. The minutes were not approved."
    with app.test_request_context(headers=CHINESE):
        refresh()  # the app context of the fixture outlives each request context: forget its locale
        assert "已提交" in refusal.translated()  # the state label comes from the catalogue
        assert "The minutes were not approved" not in nested.translated()
    with app.test_request_context():
        refresh()
        assert refusal.translated() == str(refusal)
        assert nested.translated() == str(nested)
