"""The HTTP service (``pip install "dispatchopt[server]"``, ``dispatchopt serve``): plans,
live dispatch, tickets and the dispatcher's board over JSON, for systems not written in Python.

:class:`ServerSettings` loads no web framework; :func:`create_app` loads FastAPI on first use.
"""

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr
from dispatchopt.server.settings import API_KEY_ENV, OSRM_HOSTS_ENV, ServerSettings

if TYPE_CHECKING:
    from dispatchopt.server.app import create_app

__getattr__ = lazy_getattr("dispatchopt.server", {"create_app": "dispatchopt.server.app"})

__all__ = ["API_KEY_ENV", "OSRM_HOSTS_ENV", "ServerSettings", "create_app"]
