"""servicepledge.server's pure parts, without starting a server: the names each runtime registers,
the token check, the result cache's rules."""
from __future__ import annotations

import pytest

from servicepledge.excel import kpisheet
from servicepledge.server import offload, settings, tokens


@pytest.mark.parametrize("env, prefix", [
    ({}, "XLWINGS."),                                                     # xlwings Server's own default
    ({"XLWINGS_FUNCTIONS_NAMESPACE": ""}, ""),                            # servicepledge's default: =SP_KPIS
    ({"XLWINGS_FUNCTIONS_NAMESPACE": "sp"}, "SP."),
    ({"XLWINGS_FUNCTIONS_NAMESPACE": "", "XLWINGS_ENVIRONMENT": "dev"}, "DEV."),
    ({"XLWINGS_FUNCTIONS_NAMESPACE": "SP", "XLWINGS_ENVIRONMENT": "qa"}, "SP_QA."),
])
def test_function_prefix_mirrors_the_manifest(env, prefix):
    assert settings.function_prefix(env) == prefix
    assert all(n.startswith(prefix + "SP_") for n in kpisheet.function_names(prefix))


def test_defaults_turn_sign_in_on_and_keep_operator_values():
    env = {}
    settings.apply_defaults(env)
    assert settings.auth_providers(env) == ["custom"] and env["XLWINGS_FUNCTIONS_NAMESPACE"] == ""
    env = {"XLWINGS_AUTH_PROVIDERS": '["entraid"]', "XLWINGS_FUNCTIONS_NAMESPACE": "SP"}
    settings.apply_defaults(env)
    assert settings.auth_providers(env) == ["entraid"] and env["XLWINGS_FUNCTIONS_NAMESPACE"] == "SP"
    with pytest.raises(SystemExit, match="sign-in is required"):
        settings.check_startup({"XLWINGS_AUTH_PROVIDERS": "[]"})
    settings.check_startup({"XLWINGS_AUTH_PROVIDERS": "[]", "SERVICEPLEDGE_ALLOW_ANONYMOUS": "1"})


def test_limits_and_hosts():
    assert settings.max_body({}) == 20 * 1024 * 1024
    assert settings.max_body({"SERVICEPLEDGE_MAX_BODY_MB": "1.5"}) == 1572864      # 1.5 * 1024 * 1024
    assert settings.allowed_hosts({"XLWINGS_HOSTNAME": "kpi.example.cn"})[0] == "kpi.example.cn"


def test_tokens_are_stored_hashed_and_matched(tmp_path):
    path = tmp_path / "users.json"
    t1 = tokens.add_user(path, "wang", "王经理", ["manager"])
    t2 = tokens.add_user(path, "li", "李会计", ["finance"])
    text = path.read_text(encoding="utf-8")
    assert t1 not in text and t2 not in text and "王经理" in text
    users = tokens.load_users(path)
    assert tokens.find(t1, users)["id"] == "wang"
    assert tokens.find("Bearer " + t2, users)["roles"] == ["finance"]
    assert tokens.find("", users) is None and tokens.find(t1 + "x", users) is None
    t1b = tokens.add_user(path, "wang", "王经理", ["manager"])            # a new token replaces the old one
    users = tokens.load_users(path)
    assert tokens.find(t1, users) is None and tokens.find(t1b, users)["id"] == "wang"


def test_only_clock_free_calls_are_cached():
    p = ["tickets", "period", "metric", "as_of", "terms"]
    assert offload.cacheable(p, ([[1]], [["2026-10"]], None, [["2026-10-31 18:00"]], None))
    assert not offload.cacheable(p, ([[1]], [["2026-10"]], None, [[""]], None))       # as_of empty = now
    assert not offload.cacheable(p, ([[1]], None, None, [["2026-10-31"]], None))      # period empty
    assert not offload.cacheable(["start", "end", "terms"], ([[1]], [[2]], None))      # SP_HOURS: end blank = now
    assert offload.key("a", "SP_KPIS", ([[1]],)) != offload.key("b", "SP_KPIS", ([[1]],))   # per user
    # the content and its types decide: 1, 1.0, TRUE and "1" are different cells; equal content, equal key
    keys = {offload.key("a", "SP_KPIS", ([[v]],)) for v in (1, 1.0, True, "1")}
    assert len(keys) == 4
    assert offload.key("a", "SP_KPIS", ([[1.5, ""]],)) == offload.key("a", "SP_KPIS", ([[1.5, ""]],))
    assert offload.key("a", "SP_KPIS", ([[lambda: 1]],)) is None                  # not serialisable: not cached


def test_cache_is_bounded():
    c = offload.ResultCache(max_bytes=400)
    for i in range(10):
        c.put(str(i), i, 90)
    assert len(c) == 4 and c.get("0") is None and c.get("9") == 9              # 4 * 90 <= 400 < 5 * 90


def test_entra_key_set_file(tmp_path):
    from servicepledge.server import entra
    assert entra.read_jwks({}) is None                                   # not set: Microsoft's keys are fetched
    good = tmp_path / "jwks.json"
    good.write_text('{"keys": [{"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB"}]}', encoding="utf-8")
    assert entra.read_jwks({"SERVICEPLEDGE_ENTRAID_JWKS_FILE": str(good)})["keys"][0]["kid"] == "k"
    for text, why in [("{not json", "not a readable JSON key set"), ('{"keys": []}', 'no "keys" list')]:
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(SystemExit, match=why):
            entra.check_startup({"SERVICEPLEDGE_ENTRAID_JWKS_FILE": str(bad)})
    with pytest.raises(SystemExit, match="not a readable JSON key set"):
        entra.check_startup({"SERVICEPLEDGE_ENTRAID_JWKS_FILE": str(tmp_path / "missing.json")})
