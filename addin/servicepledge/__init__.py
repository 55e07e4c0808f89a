"""servicepledge: after-sales service-quality commitment (服务质量承诺书) KPIs inside Excel."""
__version__ = "0.1.0"

__all__ = ["elapsed_hours", "__version__"]


def __getattr__(name):
    """`servicepledge.elapsed_hours` (public API, README "Python API"), imported on first use: importing
    the package (and `servicepledge --help`) does not load pandas."""
    if name == "elapsed_hours":
        from .core.worktime import elapsed_hours
        return elapsed_hours
    raise AttributeError(f"module 'servicepledge' has no attribute '{name}'")
