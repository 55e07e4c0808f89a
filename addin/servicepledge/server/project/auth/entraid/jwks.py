# xlwings Server's JWKS hook: SERVICEPLEDGE_ENTRAID_JWKS_FILE for air-gapped servers (servicepledge.server.entra).
from servicepledge.server.entra import get_jwks_json  # noqa: F401
