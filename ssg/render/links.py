"""Relative links for one page, with the links every page at its depth shares worked out once.

A link from a page to a path outside the page's own top folder depends only on the page's depth:
from "trials/NCT1/index.html" and from "sponsors/acme/index.html" the search page is
"../../search/". So the header links, the glossary and the popular condition and sponsor pages
are computed once per depth instead of once per page (ssg.site.urls.relative does the work).
"""

from __future__ import annotations

from collections.abc import Callable

from ssg.site import urls


def _normal(path: str) -> bool:
    """A plain site path ("a/b/index.html", maybe with "#frag"): no empty, "." or ".." parts,
    which relative() would resolve against the page's own folders."""
    return bool(path) and not path.startswith((".", "/")) and "/." not in path and "//" not in path


def page_href(page_path: str, shared: dict[int, dict[str, str]]) -> Callable[[str], str]:
    """href(path) for the page at ``page_path``; ``shared`` holds the links by depth, for every
    page a Renderer renders."""
    if not _normal(page_path):
        return lambda path: urls.relative(page_path, path)
    # Paths that may start in the page's own top folder ("trials", or any path starting with
    # those letters, to keep the test simple) are worked out for this page alone. A page at the
    # root has no folder: it shares every link.
    own = page_path.partition("/")[0] if "/" in page_path else None
    by_path = shared.setdefault(page_path.count("/"), {})

    def href(path: str) -> str:
        if (own is not None and path.startswith(own)) or not _normal(path):
            return urls.relative(page_path, path)
        found = by_path.get(path)
        if found is None:
            found = by_path[path] = urls.relative(page_path, path)
        return found

    return href
