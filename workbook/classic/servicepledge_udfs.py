"""Classic xlwings (Windows): the UDF module, for workbooks that keep their Python next to them.

Either set UDF Modules to `servicepledge.excel.functions` (nothing to copy), or put this file next to
the workbook and set UDF Modules to `servicepledge_udfs`. Then click "Import Functions" on the
xlwings ribbon tab. The report buttons call servicepledge.excel.scripts through RunPython
(see servicepledge_buttons.bas).
"""
from servicepledge.excel.functions import *  # noqa: F401,F403
