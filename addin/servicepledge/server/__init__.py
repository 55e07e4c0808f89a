"""servicepledge on the official xlwings Server (`xlwings-server` on PyPI): configuration and glue only.

xlwings Server (FastAPI) does the Office.js add-in, the manifest, the task pane, custom functions and
scripts. This package adds what a team server of servicepledge needs on top of it:

- `project/`     the xlwings Server project folder (XLWINGS_PROJECT_DIR): custom_functions and
                 custom_scripts import the package's SP_ functions and report buttons; auth/custom is
                 the token sign-in; static/js/auth.js sends the token from Excel.
- `settings`     safe defaults, set before xlwings Server reads its settings: sign-in on, no function
                 namespace (cells read =SP_KPIS(...) as in xlwings Lite and classic xlwings).
- `functions`, `scripts`   the SP_ functions and buttons run in worker threads (the event loop stays
                 free for other users), with roles: managers the KPI functions, finance the report.
- `tokens`       the custom token provider and `python -m servicepledge.server.tokens add NAME --roles ...`.
- `asgi`         the ASGI app to serve (`servicepledge.server.asgi:app`): xlwings Server's app behind a
                 request-size limit (413), a Host check, and one-line errors.

docs/SERVER.md says how to run and deploy it; `servicepledge serve` starts it locally.
"""
