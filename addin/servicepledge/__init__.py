"""servicepledge: after-sales service-quality commitment (服务质量承诺书) KPIs inside Excel."""
__version__ = "0.1.0"

from .worktime import elapsed_hours  # noqa: E402  (public API, SPEC section 6)

__all__ = ["elapsed_hours", "__version__"]
