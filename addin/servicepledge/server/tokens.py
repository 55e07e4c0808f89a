"""Sign-in with personal tokens: xlwings Server's *custom* auth provider for servicepledge.

For Microsoft 365 tenants use xlwings Server's Entra ID provider instead (docs/SERVER.md). For
everybody else, each colleague gets a personal token; the server keeps only its SHA-256, with the
name and roles, in a JSON file (SERVICEPLEDGE_USERS_FILE):

    {"users": [{"id": "wang", "name": "王经理", "roles": ["manager"], "token_sha256": "…"}]}

Add someone (prints the token once; give it to them, they paste it into the task pane):

    python -m servicepledge.server.tokens add wang --name 王经理 --roles manager
    python -m servicepledge.server.tokens add li --name 李会计 --roles finance,manager

Roles: `manager` may use the SP_ functions and refresh the KPI sheet; `finance` may build the report
(with the fund disclosure). The file is re-read when it changes; removing a line locks that person out
within a minute (xlwings Server remembers a good token for 60 s at most here).
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

REFUSED = ("登录失败：服务器不认识此令牌，请向管理员申请 servicepledge 令牌。 / "
           "Sign-in failed: this server does not know the token; ask your administrator for a servicepledge token.")
NO_USERS = ("服务器还没有用户（SERVICEPLEDGE_USERS_FILE）。 / "
            "The server has no users yet (SERVICEPLEDGE_USERS_FILE); ask your administrator.")


def users_file() -> Path | None:
    p = os.environ.get("SERVICEPLEDGE_USERS_FILE", "").strip()
    return Path(p).expanduser() if p else None


def digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def load_users(path: Path | None = None) -> list[dict]:
    """The users of the file, read afresh each time (the file is small, and a cache keyed by its modification
    time served a replaced token again when two writes fell in one timestamp tick); [] when there is none."""
    path = path or users_file()
    if path is None or not path.exists():
        return []
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("users", [])
    except (ValueError, AttributeError) as e:
        raise SystemExit(f"{path}: not a servicepledge users file ({e})") from None


def find(token: str, users: list[dict]) -> dict | None:
    """The user whose token this is (constant-time comparison with every stored digest)."""
    if token.lower().startswith("bearer "):
        token = token[7:]
    if not token.strip():
        return None
    d = digest(token)
    hit = None
    for u in users:
        if hmac.compare_digest(d, str(u.get("token_sha256", ""))):
            hit = u
    return hit


_SEEN: dict[str, tuple[float, object]] = {}


async def validate_token(token_string: str):
    """xlwings Server's hook (auth/custom): the signed-in User, or HTTP 401 with one line."""
    from fastapi import HTTPException, status
    from xlwings_server.models import User
    now = time.monotonic()
    d = digest(token_string or "")
    seen = _SEEN.get(d)
    if seen and now - seen[0] < 60:
        return seen[1].model_copy()
    users = load_users()
    if not users:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=NO_USERS)
    u = find(token_string or "", users)
    if u is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=REFUSED)
    user = User(id=str(u.get("id") or u.get("name")), name=str(u.get("name") or u.get("id")),
                roles=[str(r) for r in u.get("roles", [])])
    if len(_SEEN) > 1000:
        _SEEN.clear()
    _SEEN[d] = (now, user)
    return user.model_copy()


def add_user(path: Path, uid: str, name: str, roles: list[str]) -> str:
    """Add (or replace) a user; returns the new token. The file is written atomically."""
    data = {"users": []}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    token = "sp_" + secrets.token_urlsafe(32)
    data["users"] = [u for u in data.get("users", []) if u.get("id") != uid]
    data["users"].append({"id": uid, "name": name, "roles": roles, "token_sha256": digest(token)})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return token


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m servicepledge.server.tokens",
                                 description="manage the sign-in tokens of a servicepledge server")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add", help="add a user (prints the new token once)")
    a.add_argument("id")
    a.add_argument("--name", default=None)
    a.add_argument("--roles", default="manager", help="comma-separated: manager, finance")
    a.add_argument("--file", default=None, help="default: SERVICEPLEDGE_USERS_FILE")
    sub.add_parser("list", help="list users and roles (never tokens)")
    args = ap.parse_args(argv)
    path = Path(getattr(args, "file", None) or users_file() or "")
    if not str(path) or str(path) == ".":
        print("error: set SERVICEPLEDGE_USERS_FILE or pass --file", file=sys.stderr)
        return 2
    if args.cmd == "add":
        roles = [r.strip() for r in args.roles.split(",") if r.strip()]
        print(add_user(path, args.id, args.name or args.id, roles))
        return 0
    for u in load_users(path):
        print(f"{u.get('id')}\t{u.get('name')}\t{','.join(u.get('roles', []))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
