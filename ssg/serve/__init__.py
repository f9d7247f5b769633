"""`ssg serve`: build, serve under the site's base path, rebuild on change, reload the page."""

from ssg.serve.server import DevServer

__all__ = ["DevServer"]
