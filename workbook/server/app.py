"""A minimal xlwings Server backend for servicepledge (FastAPI), for a team on one server.

It answers the xlwings clients' endpoints with the package's modules:
- GET  /xlwings/custom-functions-meta        the SP_ functions and their help texts
- POST /xlwings/custom-functions-call        one SP_ function call from Excel
- POST /xlwings/custom-scripts-call/{name}   build_report / refresh_kpis on the posted workbook

For the Office.js add-in (ribbon, task pane, custom functions in Excel on Windows, Mac and the
web) use the official xlwings Server project and point it at these modules instead (two import lines,
see README.md). This file suits the VBA (RunRemotePython) and Office Scripts (runPython) clients and
is the reference for what the add-in does.

Run:  XLWINGS_LICENSE_KEY=... XLWINGS_ON_SERVER=true uvicorn app:app --host 127.0.0.1 --port 8000
(xlwings Server is dual-licensed: free for noncommercial use only; see docs/EXCEL.md).
"""
from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")      # before xlwings is imported: server decorators

import xlwings as xw  # noqa: E402
from fastapi import Body, FastAPI, Request  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from xlwings import server  # noqa: E402

from servicepledge.excel import functions, scripts  # noqa: E402

app = FastAPI(title="servicepledge for xlwings Server")


@app.exception_handler(xw.XlwingsError)
async def readable_error(request: Request, exc: xw.XlwingsError):
    """Input problems reach Excel as one readable line."""
    return JSONResponse(status_code=400, content={"detail": str(exc)})


@app.get("/xlwings/custom-functions-meta")
async def custom_functions_meta():
    return server.custom_functions_meta(functions)


@app.post("/xlwings/custom-functions-call")
async def custom_functions_call(data: dict = Body(...)):
    return {"result": await server.custom_functions_call(data, functions)}


@app.get("/xlwings/custom-scripts-meta")
async def custom_scripts_meta():
    return server.custom_scripts_meta(scripts)


@app.post("/xlwings/custom-scripts-call/{script_name}")
async def custom_scripts_call(script_name: str, data: dict = Body(...)):
    if script_name not in {m["function_name"] for m in server.custom_scripts_meta(scripts)}:
        return JSONResponse(status_code=404, content={"detail": f"no script '{script_name}'"})
    book = xw.Book(json=data)
    await server.custom_scripts_call(scripts, script_name, typehint_to_value={xw.Book: book})
    return book.json()
