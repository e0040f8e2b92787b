from portal.auth.roles import Role
from tests.conftest import sign_in
from tests.factories import PASSWORD


def test_investigator_signs_in_and_sees_dashboard(client, factory):
    user = factory.user(Role.INVESTIGATOR)
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    page = client.get("/dashboard")
    assert "My proposals" in page.get_data(as_text=True)
