# xlwings Server's "custom" auth provider: servicepledge's personal tokens (servicepledge.server.tokens).
from servicepledge.server.tokens import validate_token  # noqa: F401
