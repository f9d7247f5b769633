"""The Hugo side of the build benchmark: the same parsed trials as a Hugo site.

Each Trial becomes content/trials/<NCT>.md with JSON front matter (YAML decoding cost Hugo 27 %
of its CPU in an earlier measurement; JSON is its fastest honest option) and the brief summary as
the Markdown body. Layouts and config come from bench/hugo/: a trial page, the taxonomies
``conditions`` and ``sponsors`` with their index and term pages, and a home page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ssg.model import Trial

HUGO_DIR = Path(__file__).resolve().parent / "hugo"

STATUS_WORDS = {
    "RECRUITING": "Recruiting: this study is looking for participants",
    "NOT_YET_RECRUITING": "Not yet recruiting: this study will look for participants soon",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation only",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting: no new participants",
    "COMPLETED": "Completed", "SUSPENDED": "Suspended", "TERMINATED": "Terminated", "WITHDRAWN": "Withdrawn",
    "UNKNOWN": "Status unknown",
}


def front_matter(trial: Trial) -> dict:
    data = trial.model_dump(mode="json", exclude={"brief_summary", "sources"})
    data["sponsor_details"] = data.pop("sponsors")
    data["sponsors"] = list(dict.fromkeys(s["name"] for s in data["sponsor_details"]))  # the taxonomy
    data["status_words"] = STATUS_WORDS.get(trial.status.value, trial.status.value)
    data["order_key"] = f"{0 if trial.is_recruiting else 1}-{trial.nct_id}"  # term pages: recruiting first
    return data


def write_trial(trial: Trial, content_dir: Path) -> None:
    body = trial.brief_summary or ""
    text = json.dumps(front_matter(trial), ensure_ascii=False, indent=1) + "\n\n" + body + "\n"
    (content_dir / f"{trial.nct_id}.md").write_text(text, encoding="utf-8")


def write_site(trials: list[Trial], site_dir: str | Path) -> Path:
    """A complete Hugo source folder: config and layouts copied from bench/hugo/, content from trials."""
    site = Path(site_dir)
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(HUGO_DIR, site, ignore=shutil.ignore_patterns("README*", "content", "public"))
    content = site / "content" / "trials"
    content.mkdir(parents=True)
    for t in trials:
        write_trial(t, content)
    # The same stylesheet as the ssg site, so both outputs carry the same assets.
    css = Path(__file__).resolve().parents[1] / "static"
    if css.is_dir():
        shutil.copytree(css, site / "static" / "assets")
    return site
