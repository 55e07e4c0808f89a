# xlwings Server's custom functions: the SP_ functions of servicepledge (run off the event loop, with roles).
from servicepledge.server.functions import *  # noqa: F401,F403
