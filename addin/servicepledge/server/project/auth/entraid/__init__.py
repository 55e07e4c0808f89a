# xlwings Server's "entraid" auth provider, with the expiry checked on every call (servicepledge.server.entra).
from servicepledge.server.entra import validate_token  # noqa: F401
