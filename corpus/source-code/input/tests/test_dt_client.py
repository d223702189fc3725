import os

import pytest

from reporting import dt_client

# A real token for the integration environment, copied here "just for the tests".
INTEGRATION_TOKEN = "@@dt0c01@@"


@pytest.mark.integration
def test_lookup_token(requests_mock):
    requests_mock.post("https://example.invalid/api/v2/apiTokens/lookup", json={"enabled": True})
    headers = {"Authorization": f"Api-Token {os.environ.get('DT_API_TOKEN', INTEGRATION_TOKEN)}"}
    assert headers["Authorization"].startswith("Api-Token ")


def test_scopes_are_space_separated():
    assert " " in dt_client.SCOPES
