"""A stand-in for the official `clerk-backend-api` package, for the calls the seed makes.

The official SDK cannot be installed on this machine (no PyPI; it is not in the local wheel
index). This module has the same call shape for what the router uses, so the router reads as the
seed wrote it, and switching to the SDK is one import (see README):

    clerk_client = Clerk(bearer_auth=SECRET_KEY, server_url=API_URL + "/v1")
    clerk_client.users.get(user_id=...)                       # GET   /v1/users/{user_id}
    clerk_client.users.update(user_id=..., public_metadata=...)  # PATCH /v1/users/{user_id}

Both return a `User` with the attributes the seed reads (`id`, `public_metadata`, …); errors from
the Backend API raise `ClerkErrors` carrying the status and Clerk's error list, like the SDK's.
"""

from dataclasses import dataclass, field
from typing import Any, Optional

import httpx


class ClerkErrors(Exception):
    def __init__(self, status_code: int, errors: list[dict[str, Any]]):
        self.status_code = status_code
        self.errors = errors
        super().__init__(f"{status_code}: {errors}")


@dataclass
class User:
    id: str
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    username: Optional[str] = None
    primary_email_address_id: Optional[str] = None
    email_addresses: list[dict[str, Any]] = field(default_factory=list)
    public_metadata: dict[str, Any] = field(default_factory=dict)
    unsafe_metadata: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "User":
        return cls(
            id=data["id"],
            first_name=data.get("first_name"),
            last_name=data.get("last_name"),
            username=data.get("username"),
            primary_email_address_id=data.get("primary_email_address_id"),
            email_addresses=data.get("email_addresses") or [],
            public_metadata=data.get("public_metadata") or {},
            unsafe_metadata=data.get("unsafe_metadata") or {},
            raw=data,
        )


class Users:
    def __init__(self, http: httpx.Client):
        self._http = http

    def get(self, *, user_id: str) -> User:
        return User.from_json(_json(self._http.get(f"/users/{user_id}")))

    def update(self, *, user_id: str, **fields: Any) -> User:
        """PATCH /users/{id} with the given fields (first_name, public_metadata, …); None ones are left out."""
        body = {name: value for name, value in fields.items() if value is not None}
        return User.from_json(_json(self._http.patch(f"/users/{user_id}", json=body)))


class Clerk:
    def __init__(self, bearer_auth: Optional[str] = None, server_url: str = "https://api.clerk.com/v1", timeout_ms: int = 10_000):
        if not bearer_auth:
            raise ValueError("bearer_auth (the secret key) is required")
        self._http = httpx.Client(
            base_url=server_url.rstrip("/"),
            headers={"Authorization": f"Bearer {bearer_auth}", "User-Agent": "gatehouse-example-clerk-client"},
            timeout=timeout_ms / 1000,
        )
        self.users = Users(self._http)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        errors = body.get("errors", []) if isinstance(body, dict) else []
        raise ClerkErrors(response.status_code, errors or [{"message": response.text[:200]}])
    if not isinstance(body, dict):
        raise ClerkErrors(response.status_code, [{"message": "the response is not a JSON object"}])
    return body
