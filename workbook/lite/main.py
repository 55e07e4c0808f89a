"""servicepledge 服务质量承诺 KPI · xlwings Lite 的 main.py（把本文件全部内容粘贴到 main.py 标签页）

安装步骤（不需要安装 Python，不需要服务器）：
 1. Excel「开始」选项卡 >「加载项」，搜索 xlwings，添加 xlwings Lite（免费，商业用途也免费）。
 2. 打开 xlwings Lite 任务窗格：菜单 > Files > Import/Export，把随模板一起拿到的
    servicepledge-<版本>-py3-none-any.whl 文件拖进去（文件名不要改）。它会出现在 /data 下。
 3. requirements.txt 标签页：保留第一行 xlwings，在下面加上 pandas、numpy、matplotlib、openpyxl、
    chinesecalendar、defusedxml（每行一个；见本文件末尾的清单）。
 4. main.py 标签页：删除示例代码，粘贴本文件全部内容。然后菜单 > Restart（重启）。
 5. 输出窗口显示 “servicepledge 0.x.y 已加载” 后，在单元格中输入 =SP_ 就能看到 SP_HOURS、SP_KPIS 等函数；
    任务窗格的脚本下拉框中有「生成报告 Build report」和「刷新KPI公式 Refresh KPI sheet」。
 注意：清除 Office 缓存会删除 Files 中的文件，请保留 .whl 文件备份，必要时重新导入（步骤 2）。
 servicepledge 发布到 PyPI 后，也可以不导入 .whl，而在 requirements.txt 中加一行 servicepledge==<版本>。
 使用 1904 日期系统的工作簿（文件 > 选项 > 高级 >“使用 1904 日期系统”）：去掉下面 set_date_system 两行前的 #。

Set-up (no Python to install, no server):
 1. Excel, Home tab > Add-ins: search for xlwings and add xlwings Lite (free, also for commercial use).
 2. In the xlwings Lite pane: menu > Files > Import/Export, drop the file servicepledge-<version>-py3-none-any.whl
    that came with the template (keep its name). It appears under /data.
 3. requirements.txt tab: keep the first line (xlwings) and add pandas, numpy, matplotlib, openpyxl,
    chinesecalendar and defusedxml below it, one per line (the list is at the end of this file).
 4. main.py tab: delete the sample code and paste this whole file. Then menu > Restart.
 5. Once the output says "servicepledge 0.x.y loaded", type =SP_ in a cell to see SP_HOURS ... SP_KPIS,
    SP_CHART; the pane's script list has "Build report" and "Refresh KPI sheet".
 Note: clearing the Office cache deletes the imported files: keep a copy of the .whl and import it again.
 Once servicepledge is on PyPI, a line servicepledge==<version> in requirements.txt replaces the .whl.
 Workbooks on the 1904 date system (File > Options > Advanced > "Use 1904 date system"): remove the # in
 front of the two set_date_system lines below.
"""
import importlib.util
import os
import re
import sys
from pathlib import Path

# Where xlwings Lite keeps the files imported in Files > Import/Export (a test may point elsewhere).
DATA = Path(os.environ.get("SERVICEPLEDGE_LITE_DATA", "/data"))
NEEDS = {"pandas": "pandas", "numpy": "numpy", "matplotlib": "matplotlib", "openpyxl": "openpyxl",
         "chinese_calendar": "chinesecalendar", "defusedxml": "defusedxml"}


def _version_of(wheel: Path) -> tuple:
    """(1, 2, 0) for servicepledge-1.2.0-py3-none-any.whl (also when the browser renamed it '... (1).whl')."""
    parts = wheel.name.split("-")
    return tuple(int(n) for n in re.findall(r"\d+", parts[1] if len(parts) > 1 else ""))


def find_servicepledge() -> str | None:
    """Make servicepledge importable. requirements.txt (installed package) first, else the newest
    servicepledge-*.whl imported in Files (a wheel is a zip: Python imports from it directly).
    Returns where it comes from, or None after printing what to do."""
    if "servicepledge" in sys.modules or importlib.util.find_spec("servicepledge") is not None:
        return "requirements.txt"
    wheels = sorted(DATA.rglob("servicepledge-*.whl"), key=lambda w: (_version_of(w), w.stat().st_mtime)) \
        if DATA.is_dir() else []
    if not wheels:
        print(f"servicepledge 未加载：在 {DATA} 中找不到 servicepledge-<版本>-py3-none-any.whl。请在 xlwings Lite 菜单 > "
              "Files > Import/Export 导入该文件，然后菜单 > Restart。\n"
              f"servicepledge not loaded: no servicepledge-<version>-py3-none-any.whl in {DATA}. Import it in the "
              "xlwings Lite menu > Files > Import/Export, then menu > Restart.", file=sys.stderr)
        return None
    sys.path.insert(0, str(wheels[-1]))
    importlib.invalidate_caches()
    return str(wheels[-1])


def missing_requirements() -> list:
    """The packages servicepledge needs that requirements.txt has not installed."""
    return [pkg for mod, pkg in NEEDS.items() if importlib.util.find_spec(mod) is None]


SOURCE = find_servicepledge()
MISSING = missing_requirements() if SOURCE else []
if MISSING:
    print(f"servicepledge 未加载：requirements.txt 缺少 {', '.join(MISSING)}（每行一个，加在 xlwings 一行下面），"
          f"然后菜单 > Restart。\nservicepledge not loaded: add {', '.join(MISSING)} to requirements.txt "
          "(one per line, below the xlwings line), then menu > Restart.", file=sys.stderr)
elif SOURCE:
    from servicepledge import __version__
    from servicepledge.excel.functions import *  # noqa: F401,F403  (the SP_ custom functions)
    from servicepledge.excel.scripts import build_report, refresh_kpis  # noqa: F401  (the report scripts)

    print(f"servicepledge {__version__} 已加载 loaded ({SOURCE})")

    # 1904 日期系统 / 1904 date system: remove the # of the next two lines.
    # from servicepledge.excel.cells import set_date_system
    # set_date_system(1904)

# Optional sheet button (xlwings Lite runs a script when a shape that links to a cell is clicked):
# insert a shape on the sheet 使用说明, name it sp_report (Name Box), give it a hyperlink to
# 使用说明!B1, and remove the # of these lines:
# import xlwings as xw
# from xlwings import script
# from servicepledge.excel.scripts import build_report_into
#
# @script(button="[sp_report]使用说明!B1", show_taskpane=True)
# def report_button(book: xw.Book):
#     build_report_into(book)

# requirements.txt (below the xlwings line that xlwings Lite put there; do not pin these versions):
#   pandas
#   numpy
#   matplotlib
#   openpyxl
#   chinesecalendar
#   defusedxml
