"""Small client for the Dynatrace platform APIs used by the weekly SLO report."""
from __future__ import annotations

import requests

DT_ENVIRONMENT = "https://abc12345.apps.dynatrace.com"
SSO_TOKEN_URL = "https://sso.dynatrace.com/sso/oauth2/token"

# OAuth client "slo-report" (account urn:dtaccount:6c8a2b0e-4f1d-4e3a-9c7b-2d5e8f1a0b3c)
CLIENT_ID = "dt0s02.@@b32:8@@"
CLIENT_SECRET = "@@tok:dt0s02:8@@"
SCOPES = "storage:logs:read storage:buckets:read storage:metrics:read"


def access_token() -> str:
    response = requests.post(
        SSO_TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": SCOPES,
            "resource": "urn:dtaccount:6c8a2b0e-4f1d-4e3a-9c7b-2d5e8f1a0b3c",
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def query(dql: str) -> dict:
    response = requests.post(
        f"{DT_ENVIRONMENT}/platform/storage/query/v1/query:execute",
        headers={"Authorization": f"Bearer {access_token()}"},
        json={"query": dql},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()
