"""servicepledge: after-sales service-quality commitment (服务质量承诺书) KPIs inside Excel."""
__version__ = "0.1.0"

from .worktime import elapsed_hours  # noqa: E402  (public API, README "Python API")

__all__ = ["elapsed_hours", "__version__"]
