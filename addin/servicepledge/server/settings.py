"""Safe defaults for xlwings Server, applied before it reads its settings (XLWINGS_* variables).

xlwings Server itself starts without sign-in and puts functions under the XLWINGS namespace. For
servicepledge the defaults are:

- XLWINGS_AUTH_PROVIDERS=["custom"]: sign-in on (tokens, see `tokens`). Anonymous use needs
  SERVICEPLEDGE_ALLOW_ANONYMOUS=1 *and* no auth provider: meant for one person's own machine.
- XLWINGS_FUNCTIONS_NAMESPACE="": cells read =SP_KPIS(...) exactly as in xlwings Lite and classic
  xlwings, so the template works unchanged. (xlwings Server still adds the environment name, e.g.
  =DEV.SP_KPIS(...), when XLWINGS_ENVIRONMENT is not prod; `function_prefix()` knows that.)
- XLWINGS_PROJECT_DIR: this package's `project` folder.
- XLWINGS_ENABLE_EXAMPLES / XLWINGS_ENABLE_SOCKETIO off (no demo functions; nothing streams).

Variables already set in the environment always win.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent / "project"
MAX_BODY_DEFAULT = 20 * 1024 * 1024      # bytes; a 50,000-row ticket table is about 10 MB as JSON


def anonymous_allowed(env=os.environ) -> bool:
    """Anonymous use only when asked for explicitly (and then no auth provider may be configured)."""
    return env.get("SERVICEPLEDGE_ALLOW_ANONYMOUS", "").strip().lower() in ("1", "true", "yes")


def apply_defaults(env=os.environ) -> None:
    """Put servicepledge's defaults into `env` where the operator has not set a value."""
    env.setdefault("XLWINGS_PROJECT_DIR", str(PROJECT_DIR))
    env.setdefault("XLWINGS_FUNCTIONS_NAMESPACE", "")
    env.setdefault("XLWINGS_ENABLE_EXAMPLES", "false")
    env.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")
    env.setdefault("XLWINGS_ENABLE_HOTRELOAD", "false")
    env.setdefault("XLWINGS_PROJECT_NAME", "servicepledge")
    if not anonymous_allowed(env):
        env.setdefault("XLWINGS_AUTH_PROVIDERS", '["custom"]')
    env["XLWINGS_ON_SERVER"] = "true"


def auth_providers(env=os.environ) -> list[str]:
    raw = env.get("XLWINGS_AUTH_PROVIDERS", "").strip()
    if not raw:
        return []
    try:
        v = json.loads(raw)
    except ValueError:
        v = [p.strip() for p in raw.split(",")]
    return [str(p) for p in v if str(p).strip()]


def roles_enforced(env=os.environ) -> bool:
    """Roles apply whenever somebody signs in; with no provider (anonymous, explicitly allowed) they
    cannot, so everybody may run everything."""
    return bool(auth_providers(env))


def check_startup(env=os.environ) -> None:
    """Refuse to start in a state that would serve customer data to anyone."""
    if not auth_providers(env) and not anonymous_allowed(env):
        raise SystemExit("servicepledge server: XLWINGS_AUTH_PROVIDERS is empty; sign-in is required. "
                         "Set SERVICEPLEDGE_ALLOW_ANONYMOUS=1 only on a single-user machine.")


def max_body(env=os.environ) -> int:
    """SERVICEPLEDGE_MAX_BODY_MB (default 20): larger requests get 413."""
    raw = env.get("SERVICEPLEDGE_MAX_BODY_MB", "").strip()
    try:
        return int(float(raw) * 1024 * 1024) if raw else MAX_BODY_DEFAULT
    except ValueError:
        raise SystemExit(f"SERVICEPLEDGE_MAX_BODY_MB '{raw}' is not a number of megabytes") from None


def allowed_hosts(env=os.environ) -> list[str]:
    """SERVICEPLEDGE_ALLOWED_HOSTS: comma-separated host names the server answers to (the Host header);
    default: XLWINGS_HOSTNAME if set, plus localhost and 127.0.0.1. '*' turns the check off."""
    raw = env.get("SERVICEPLEDGE_ALLOWED_HOSTS", "").strip()
    if raw:
        return [h.strip().lower() for h in raw.split(",") if h.strip()]
    hosts = ["localhost", "127.0.0.1", "::1"]
    if env.get("XLWINGS_HOSTNAME"):
        hosts.insert(0, env["XLWINGS_HOSTNAME"].split(":")[0].lower())
    return hosts


def function_prefix(env=os.environ) -> str:
    """What xlwings Server puts before every SP_ name in Excel: the manifest namespace (the configured
    XLWINGS_FUNCTIONS_NAMESPACE, plus '_ENV' / the environment name outside prod) and a dot, or ''.
    Mirrors xlwings Server's manifest.xml template."""
    ns = env.get("XLWINGS_FUNCTIONS_NAMESPACE", "XLWINGS").strip().upper()
    environment = env.get("XLWINGS_ENVIRONMENT", "prod").strip().lower() or "prod"
    if environment != "prod":
        ns = f"{ns}_{environment.upper()}" if ns else environment.upper()
    return f"{ns}." if ns else ""
