"""`servicepledge serve`: start the team server (xlwings Server) on this machine for trying it out.

    servicepledge serve                       # http://127.0.0.1:8000, 2 workers, sign-in on
    servicepledge serve --anonymous           # one person's own machine: no sign-in (loopback only)

On first start it creates a users file (SERVICEPLEDGE_USERS_FILE, default ~/.servicepledge/users.json)
with one local user holding both roles, and prints that user's token once. Production: docs/SERVER.md.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


_HELP = {   # key -> (zh, en)
    "serve": ("为团队启动 xlwings Server（本机试用；部署见 docs/SERVER.md）",
              "start the xlwings Server for a team (local trial; see docs/SERVER.md)"),
    "host": ("监听地址（默认 127.0.0.1）", "address to listen on (default 127.0.0.1)"),
    "port": ("端口（默认 8000）", "port (default 8000)"),
    "workers": ("服务器进程数（默认 2）", "server processes (default 2)"),
    "users": ("用户文件（默认：SERVICEPLEDGE_USERS_FILE 或 ~/.servicepledge/users.json）",
              "users file (default: SERVICEPLEDGE_USERS_FILE or ~/.servicepledge/users.json)"),
    "anonymous": ("不登录：仅限 127.0.0.1，供一个人使用", "no sign-in: only on 127.0.0.1, for one person"),
}


def add_parser(sub, lang: str = "en", localize=None, **kw) -> None:
    """`serve` and its options; help texts in `lang` (`localize` adds the command line's own -h)."""
    h = lambda k: _HELP[k][0 if lang == "zh" else 1]  # noqa: E731
    s = sub.add_parser("serve", help=h("serve"), description=h("serve"), **kw)
    if localize:
        localize(s, lang)
    s.add_argument("--host", default="127.0.0.1", help=h("host"))
    s.add_argument("--port", type=int, default=8000, help=h("port"))
    s.add_argument("--workers", type=int, default=2, help=h("workers"))
    s.add_argument("--users", help=h("users"))
    s.add_argument("--anonymous", action="store_true", help=h("anonymous"))
    s.set_defaults(fn=run)


def run(a) -> int:
    zh = getattr(a, "ui_lang", "en") == "zh"
    try:
        import uvicorn  # noqa: F401
        import xlwings_server  # noqa: F401
    except ImportError:
        print("servicepledge：服务器需要 xlwings Server：pip install 'servicepledge[server]'"
              "（或 pip install xlwings-server）" if zh else
              "servicepledge: the server needs xlwings Server: pip install 'servicepledge[server]' "
              "(or pip install xlwings-server)", file=sys.stderr)
        return 2
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        print("servicepledge：请设置 XLWINGS_LICENSE_KEY（在公司内使用 xlwings Server 需付费；"
              "XLWINGS_LICENSE_KEY=noncommercial 仅限非商业用途，见 docs/SERVER.md）" if zh else
              "servicepledge: set XLWINGS_LICENSE_KEY (xlwings Server is paid for use inside a company; "
              "XLWINGS_LICENSE_KEY=noncommercial only for non-commercial use, see docs/SERVER.md)", file=sys.stderr)
        return 2
    if a.anonymous:
        if a.host not in LOOPBACK:
            print("servicepledge：--anonymous 只能用于 127.0.0.1（否则任何能访问服务器的人都能看到数据）" if zh else
                  "servicepledge: --anonymous only on 127.0.0.1 (anyone reaching the server would see the data)",
                  file=sys.stderr)
            return 2
        os.environ["SERVICEPLEDGE_ALLOW_ANONYMOUS"] = "1"
        os.environ["XLWINGS_AUTH_PROVIDERS"] = "[]"
    else:
        from .tokens import add_user, load_users
        users = Path(a.users or os.environ.get("SERVICEPLEDGE_USERS_FILE") or Path.home() / ".servicepledge" / "users.json")
        os.environ["SERVICEPLEDGE_USERS_FILE"] = str(users)
        if not load_users(users):
            token = add_user(users, "local", "local user", ["manager", "finance"])
            print(f"servicepledge：已创建 {users}，含一个用户（角色 manager、finance）。\n"
                  f"  令牌（只显示这一次；请粘贴到任务窗格中）：{token}\n"
                  f"  添加用户：python -m servicepledge.server.tokens add 姓名 --roles manager" if zh else
                  f"servicepledge: created {users} with one user (roles manager, finance).\n"
                  f"  token (shown once; paste it into the task pane): {token}\n"
                  f"  more users: python -m servicepledge.server.tokens add NAME --roles manager")
    if a.host not in LOOPBACK and not os.environ.get("SERVICEPLEDGE_ALLOWED_HOSTS") \
            and not os.environ.get("XLWINGS_HOSTNAME"):
        os.environ["SERVICEPLEDGE_ALLOWED_HOSTS"] = a.host
    import uvicorn
    print(f"servicepledge：xlwings Server 运行于 http://{a.host}:{a.port}（清单：/manifest）" if zh else
          f"servicepledge: xlwings Server on http://{a.host}:{a.port} (manifest: /manifest)", flush=True)
    uvicorn.run("servicepledge.server.asgi:app", host=a.host, port=a.port, workers=a.workers, log_level="info")
    return 0
