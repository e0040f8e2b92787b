"""The API's documentation: an OpenAPI 3.1 document made from the code, and a page made from it, served by the
portal itself (no CDN, no script)."""

from __future__ import annotations

import re


def test_the_documentation_is_served_by_the_portal_itself(api) -> None:  # noqa: ANN001
    """The page is made from the OpenAPI document (every operation is on it) and loads nothing from elsewhere."""
    document = api.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    page = api.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for operations in document["paths"].values():
        for operation in operations.values():
            assert f'id="{operation["operationId"]}"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "the page loads something from elsewhere"
    assert "<script" not in html
