# xlwings Server's custom scripts: the report buttons of servicepledge (with roles).
from servicepledge.server.scripts import build_report, refresh_kpis  # noqa: F401
