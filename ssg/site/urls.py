"""The URL scheme (a contract, see DESIGN.md "Output"). The only module that knows where pages live.

Site paths are posix paths relative to the site root ("trials/NCT01234567/index.html").
Links between pages are relative, so the site works under any prefix (https://org.github.io/repo/);
directory pages are linked as "dir/" rather than "dir/index.html".
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

INDEX = "index.html"


def home_path() -> str:
    return INDEX


def trial_path(nct_id: str) -> str:
    return f"trials/{nct_id}/{INDEX}"


def handout_path(nct_id: str) -> str:
    return f"trials/{nct_id}/handout/{INDEX}"


def conditions_path() -> str:
    return f"conditions/{INDEX}"


def condition_path(slug: str) -> str:
    return f"conditions/{slug}/{INDEX}"


def sponsors_path() -> str:
    return f"sponsors/{INDEX}"


def sponsor_path(slug: str) -> str:
    return f"sponsors/{slug}/{INDEX}"


def search_path() -> str:
    return f"search/{INDEX}"


def glossary_path() -> str:
    return f"glossary/{INDEX}"


def extra_page_path(slug: str) -> str:
    """A page from content/pages/<slug>.md."""
    return f"{slug}/{INDEX}"


def not_found_path() -> str:
    return "404.html"


def sitemap_path() -> str:
    return "sitemap.xml"


def robots_path() -> str:
    return "robots.txt"


def asset_path(name: str) -> str:
    """A file copied from static/: asset_path("css/site.css") -> "assets/css/site.css"."""
    return f"assets/{name.lstrip('/')}"


# Top-level names the site itself uses; an extra page may not take one of them.
RESERVED_SLUGS = frozenset({"trials", "conditions", "sponsors", "search", "glossary", "assets", "404"})


def _split_fragment(path: str) -> tuple[str, str]:
    path, sep, frag = path.partition("#")
    return path, sep + frag


def _relpath(from_path: str, to_path: str) -> str:
    """The original definition, for paths the fast path below does not take."""
    from_dir = posixpath.dirname(from_path) or "."
    if to_path == INDEX or to_path.endswith("/" + INDEX):
        target_dir = posixpath.dirname(to_path) or "."
        rel = posixpath.relpath(target_dir, from_dir)
        return "./" if rel == "." else rel + "/"
    return posixpath.relpath(to_path, from_dir)


_PLAIN = re.compile(r"[A-Za-z0-9/._~-]*")  # what quote(…, safe="/.-_~") leaves as it is


@lru_cache(maxsize=1 << 16)
def relative(from_path: str, to_path: str) -> str:
    """The relative href from the page at ``from_path`` to the site path ``to_path`` (may carry "#frag").

    relative("trials/NCT1/index.html", "index.html") == "../../"
    relative("index.html", "assets/css/site.css") == "assets/css/site.css"
    """
    to_path, frag = _split_fragment(to_path)
    # posixpath.relpath normalises through abspath (a getcwd() per call); site paths are
    # already normal ("a/b/c", no "", "." or ".." parts), so compare their parts directly.
    from_parts = from_path.split("/")[:-1]
    to_parts = to_path.split("/")
    if not to_path or "" in to_parts or "." in to_parts or ".." in to_parts or \
            "" in from_parts or "." in from_parts or ".." in from_parts:
        href = _relpath(from_path, to_path)
    else:
        is_dir = to_parts[-1] == INDEX
        if is_dir:
            to_parts.pop()
        common = 0
        for a, b in zip(from_parts, to_parts):
            if a != b:
                break
            common += 1
        rel = [".."] * (len(from_parts) - common) + to_parts[common:]
        if is_dir:
            href = "/".join(rel) + "/" if rel else "./"
        else:
            href = "/".join(rel) if rel else "."
    if not _PLAIN.fullmatch(href):
        href = quote(href, safe="/.-_~")
    return href + frag


def rooted(base_url: str, to_path: str) -> str:
    """An href from the site's base path ("/repo/trials/NCT1/"), for pages served at any depth (404.html)."""
    from urllib.parse import urlsplit

    base = urlsplit(base_url).path or "/"
    if not base.endswith("/"):
        base += "/"
    return base + relative(INDEX, to_path).removeprefix("./")


def absolute(base_url: str, path: str) -> str:
    """An absolute URL for sitemap, canonical links and QR codes."""
    if not base_url.endswith("/"):
        base_url += "/"
    return base_url + relative(INDEX, path).removeprefix("./")


_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 80


# Letters that Unicode does not decompose into a Latin letter plus accents.
_FOLD = str.maketrans({"ı": "i", "İ": "I", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                       "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th"})


def ascii_fold(text: str) -> str:
    """"Bandırma Üniversitesi" -> "Bandirma Universitesi": accents and special letters to ASCII."""
    return unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode("ascii")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by "-" ("Crohn's Disease" -> "crohn-s-disease"); never empty."""
    ascii_text = ascii_fold(text)
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return slug or "term"
