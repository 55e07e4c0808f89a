"""Sign-in with Microsoft 365 (Entra ID), tried offline against the real server.

No tenant is reachable here, so the test plays Microsoft: it generates an RSA key, writes its public
half as a JSON Web Key Set (SERVICEPLEDGE_ENTRAID_JWKS_FILE, the hook xlwings Server offers for
air-gapped servers, which replaces the download of Microsoft's keys) and signs tokens shaped as Entra
ID issues them (v2.0: iss https://login.microsoftonline.com/<tenant>/v2.0, aud <client id>). The server
runs xlwings Server's `entraid` provider with the tenant's own role names
(SERVICEPLEDGE_ROLE_MANAGER=ServicePledge.Manager, SERVICEPLEDGE_ROLE_FINANCE=ServicePledge.Finance).
"""
from __future__ import annotations

import json
import time
import uuid

import pytest

pytest.importorskip("xlwings_server")
httpx = pytest.importorskip("httpx")
joserfc = pytest.importorskip("joserfc")

from joserfc import jwt  # noqa: E402
from joserfc.jwk import KeySet, RSAKey  # noqa: E402

from excel_helpers import AS_OF, PERIOD, book_json, server_mode  # noqa: E402

server_mode()
import server_helpers as H  # noqa: E402

pytestmark = pytest.mark.needs_subprocess
TENANT, CLIENT = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
MANAGER, FINANCE = "ServicePledge.Manager", "ServicePledge.Finance"
CALL, SCRIPT = "/xlwings/custom-functions-call", "/xlwings/custom-scripts-call/build_report"
HOURS = H.call_data("SP_HOURS", [[[46300.5]], [[46300.75]], None])      # 12:00 -> 18:00 the same day: 6 h
KEY = RSAKey.generate_key(2048, parameters={"kid": "tenant-key-1", "use": "sig", "alg": "RS256"})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("entra")
    (tmp / "jwks.json").write_text(json.dumps(KeySet([KEY]).as_dict(private=False)), encoding="utf-8")
    proc, base = H.start({"XLWINGS_AUTH_PROVIDERS": '["entraid"]', "XLWINGS_AUTH_ENTRAID_TENANT_ID": TENANT,
                          "XLWINGS_AUTH_ENTRAID_CLIENT_ID": CLIENT,
                          "SERVICEPLEDGE_ENTRAID_JWKS_FILE": str(tmp / "jwks.json"),
                          "SERVICEPLEDGE_ROLE_MANAGER": MANAGER, "SERVICEPLEDGE_ROLE_FINANCE": FINANCE})
    try:
        yield base
    finally:
        H.stop(proc)


def token(roles=(MANAGER,), key=KEY, lifetime=3600.0, **claims) -> str:
    """'Bearer <JWT>' as Office single sign-on hands it to the add-in; `claims` override (None = drop)."""
    now = int(time.time())
    c = {"ver": "2.0", "iss": ISSUER, "aud": CLIENT, "iat": now - 60, "nbf": now - 60, "exp": now + lifetime,
         "oid": str(uuid.uuid4()), "name": "王经理", "preferred_username": "wang@example.cn", "roles": list(roles)}
    c.update(claims)
    c = {k: v for k, v in c.items() if v is not None}
    return "Bearer " + jwt.encode({"alg": "RS256", "kid": key.kid}, c, key)


def post(base, path, body, tok):
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return httpx.post(base + path, content=data, timeout=120,
                      headers={"Content-Type": "application/json", "Authorization": tok})


def refused(r, tok) -> bool:
    """401 with the one bilingual line, the token not echoed."""
    jwt_part = tok.split()[-1]
    return (r.status_code == 401 and "Sign-in failed" in r.text and "登录失败" in r.text
            and jwt_part not in r.text and jwt_part[-20:] not in r.text and "\n" not in r.text.strip())


def test_a_right_token_is_accepted_and_gets_figures(server):
    r = post(server, CALL, HOURS, token())
    assert r.status_code == 200 and r.json() == {"result": [[6.0]]}


def test_a_v1_token_is_accepted_with_its_own_audience_and_issuer(server):
    tok = token(ver="1.0", aud=f"api://{CLIENT}", iss=f"https://sts.windows.net/{TENANT}/")
    assert post(server, CALL, HOURS, tok).json() == {"result": [[6.0]]}


@pytest.mark.parametrize("why, claims", [
    ("another app's audience", {"aud": str(uuid.UUID(int=3))}),
    ("another tenant's issuer", {"iss": f"https://login.microsoftonline.com/{uuid.UUID(int=4)}/v2.0"}),
    ("expired an hour ago", {"exp": int(time.time()) - 3600}),
    ("not valid before tomorrow", {"nbf": int(time.time()) + 86400}),
    ("no expiry at all", {"exp": None}),
    ("an unknown token version", {"ver": "3.0"}),
])
def test_wrong_tokens_are_refused(server, why, claims):
    tok = token(**claims)
    assert refused(post(server, CALL, HOURS, tok), tok), why


def test_a_token_signed_by_another_key_is_refused(server):
    forger = RSAKey.generate_key(2048, parameters={"kid": KEY.kid, "use": "sig", "alg": "RS256"})
    tok = token(key=forger)
    assert refused(post(server, CALL, HOURS, tok), tok)
    bare = tok.split()[1]                                   # without "Bearer ": refused, not echoed
    assert refused(post(server, CALL, HOURS, bare), bare)


def test_a_token_expiring_after_its_first_use_is_refused_then(server):
    """xlwings Server remembers a validated token for an hour; the expiry is still checked each call."""
    tok = token(lifetime=4)
    assert post(server, CALL, HOURS, tok).status_code == 200
    time.sleep(5)
    assert refused(post(server, CALL, HOURS, tok), tok)


def test_roles_map_to_the_tenants_app_roles(server):
    """Managers (app role ServicePledge.Manager) use the SP_ functions; only finance builds the report."""
    book = {**book_json(), "args": [PERIOD, AS_OF]}
    manager = token(roles=[MANAGER])
    r = post(server, SCRIPT, book, manager)
    assert r.status_code == 400 and f"missing the following roles: {FINANCE}" in r.text
    r = post(server, SCRIPT, book, token(roles=["finance"]))           # the default name is not this tenant's
    assert r.status_code == 400 and FINANCE in r.text
    finance_only = token(roles=[FINANCE])
    r = post(server, CALL, HOURS, finance_only)                         # SP_ functions need the manager role
    assert r.status_code == 400 and f"missing the following roles: {MANAGER}" in r.text and "\n" not in r.text
    r = post(server, SCRIPT, book, finance_only)
    assert r.status_code == 200, r.text[:300]
    assert any(a["func"] == "addSheet" for a in r.json()["actions"])
    r = post(server, CALL, HOURS, token(roles=[]))                      # signed in, no role: no figures
    assert r.status_code == 400 and MANAGER in r.text and "6.0" not in r.text
