"""Sign-in with Microsoft 365 (Entra ID): xlwings Server's `entraid` provider, with two additions.

Turn it on with XLWINGS_AUTH_PROVIDERS=["entraid"], XLWINGS_AUTH_ENTRAID_TENANT_ID (the directory id)
and XLWINGS_AUTH_ENTRAID_CLIENT_ID (the add-in's app registration). xlwings Server checks the token's
signature against Microsoft's published keys (JWKS), its audience (the client id; `api://<client id>`
for v1.0 tokens) and its issuer (the tenant). The people's roles are the token's `roles` claim: define
app roles in the app registration whose values are SERVICEPLEDGE_ROLE_MANAGER (default `manager`) and
SERVICEPLEDGE_ROLE_FINANCE (default `finance`) — or set those two variables to the values your tenant
already uses (e.g. `ServicePledge.Finance`) — and assign them to people.

What servicepledge adds (project/auth/entraid imports this module, so xlwings Server uses it):

- **Expiry on every call.** xlwings Server remembers a validated token for an hour; a token that
  expires within that hour would keep working. Here the `exp` claim is checked on every call, and a
  token without `exp` is refused.
- **Air-gapped servers.** SERVICEPLEDGE_ENTRAID_JWKS_FILE: a JSON Web Key Set file (downloaded from
  https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys) used instead of fetching the keys
  from Microsoft (xlwings Server's `auth/entraid/jwks.py` hook). Refresh it when Microsoft rolls its keys.
- A refused token gets one line in Chinese and English (HTTP 401), never the token.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

REFUSED = ("登录失败：Microsoft 365 登录无效或已过期，请重新打开任务窗格登录。 / "
           "Sign-in failed: the Microsoft 365 sign-in is not valid for this server or has expired; "
           "reopen the task pane to sign in again.")


def read_jwks(env=os.environ) -> dict | None:
    """The key set of SERVICEPLEDGE_ENTRAID_JWKS_FILE, or None when it is not set; ValueError with one line
    when the file cannot be read or holds no keys."""
    path = env.get("SERVICEPLEDGE_ENTRAID_JWKS_FILE", "").strip()
    if not path:
        return None
    try:
        data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"SERVICEPLEDGE_ENTRAID_JWKS_FILE {path}: not a readable JSON key set ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list) or not data["keys"]:
        raise ValueError(f"SERVICEPLEDGE_ENTRAID_JWKS_FILE {path}: no \"keys\" list (a JSON Web Key Set is expected)")
    return data


def check_startup(env=os.environ) -> None:
    """Refuse to start with an unreadable key set file (rather than refuse every sign-in later)."""
    try:
        read_jwks(env)
    except ValueError as e:
        raise SystemExit(f"servicepledge server: {e}") from None


async def get_jwks_json():
    """xlwings Server's hook: the file's key set, or None (xlwings Server then fetches Microsoft's)."""
    return read_jwks()


def _refused():
    from fastapi import HTTPException, status
    return HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=REFUSED)


async def validate_token(token_string: str):
    """xlwings Server's Entra ID check, then the expiry; the signed-in User (roles from the `roles`
    claim) or HTTP 401 with one line."""
    from fastapi import HTTPException
    from xlwings_server.auth.entraid import validate_token as entraid_validate
    try:
        user = await entraid_validate(token_string or "")
    except HTTPException:
        raise _refused() from None
    exp = user.claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= time.time():
        raise _refused()
    return user.model_copy()       # xlwings Server's cache holds the original; each request gets its own
