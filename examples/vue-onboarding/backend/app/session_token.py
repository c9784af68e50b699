"""Networkless verification of a Gatehouse (or Clerk) session token.

A session token is an RS256 JWT that the Frontend API mints for the signed-in browser and that
`getToken()` returns. It is signed with the instance's private key; the public half is what
`gatehouse env` prints as CLERK_JWT_KEY (Clerk's dashboard shows the same thing as "JWT public
key"). Checking the signature and the times with that key needs no request to any server, which
is what the official SDK's `Clerk.authenticate_request(request, AuthenticateRequestOptions(jwt_key=…))`
does too. The token's `sub` is the user id.
"""

import os
from typing import Optional

import jwt

# Clerk's SDKs allow 5 seconds of clock skew between the token's issuer and this server.
CLOCK_SKEW_SECONDS = 5
# Session tokens carry this category in their header; JWT-template tokens (possibly valid for
# years, for other services) carry another one and must not pass as a session.
SESSION_TOKEN_CATEGORY = "cl_B7d4PD111AAA"


def _public_key() -> str:
    key = os.getenv("CLERK_JWT_KEY", "")
    if not key:
        raise RuntimeError("CLERK_JWT_KEY is not set (see README: gatehouse env prints it)")
    # `gatehouse env --shell` prints the PEM on one line with "\n" escapes; a shell keeps them as
    # two characters, python-dotenv turns them into newlines. Accept both.
    return key.replace("\\n", "\n")


def _authorized_parties() -> list[str]:
    """Origins allowed in the token's `azp` claim (optional; comma-separated CLERK_AUTHORIZED_PARTIES)."""
    return [p.strip() for p in os.getenv("CLERK_AUTHORIZED_PARTIES", "").split(",") if p.strip()]


def verify_session_token(token: str) -> Optional[str]:
    """The user id (`sub`) of a valid session token; raises on a bad, expired or foreign token."""
    header = jwt.get_unverified_header(token)
    if header.get("cat") not in (None, SESSION_TOKEN_CATEGORY):
        raise jwt.InvalidTokenError("not a session token")
    claims = jwt.decode(
        token,
        _public_key(),
        algorithms=["RS256"],
        leeway=CLOCK_SKEW_SECONDS,
        options={"require": ["sub", "exp", "iat"]},
    )
    parties = _authorized_parties()
    if parties and claims.get("azp") and claims["azp"] not in parties:
        raise jwt.InvalidTokenError(f"azp {claims['azp']} is not an authorized party")
    return claims.get("sub")
