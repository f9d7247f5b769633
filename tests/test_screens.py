"""Screenshots of a trial page at phone and desktop widths, for people to look at.

Saved under /tmp/ssg-screens/ (not compared pixel by pixel: fonts differ between machines).
What is asserted: nothing on the phone is wider than the screen, and the patient-first parts
are above the fold on a desktop.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENS = Path("/tmp/ssg-screens")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# A trial with arms, many criteria, locations, contacts and references (seed 003).
TRIAL = "trials/NCT07177911/"
PAGES = {"trial": TRIAL, "home": "", "conditions": "conditions/", "sponsors": "sponsors/"}


def _shoot(browser, url: str, viewport: dict, name: str) -> dict:
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(url)
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"{name}-top.png"))
        page.screenshot(path=str(SCREENS / f"{name}-full.png"), full_page=True)
        return page.evaluate(
            """() => ({
                scrollWidth: document.scrollingElement.scrollWidth,
                innerWidth: window.innerWidth,
                wide: [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className),
                bannerTop: document.querySelector('.status-banner')?.getBoundingClientRect().top ?? null,
            })"""
        )
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_horizontal_scroll_on_a_phone(browser, serve, seed_site, name):
    base = serve(seed_site)
    m = _shoot(browser, base + PAGES[name], PHONE, f"{name}-phone")
    assert m["scrollWidth"] <= m["innerWidth"], f"{name} scrolls sideways on a 375px phone: {m}"


@pytest.mark.browser
def test_trial_page_desktop_shows_status_first(browser, serve, seed_site):
    base = serve(seed_site)
    m = _shoot(browser, base + TRIAL, DESKTOP, "trial-desktop")
    assert m["scrollWidth"] <= m["innerWidth"]
    # The status banner is part of the first screen, not buried under the record's text.
    assert m["bannerTop"] is not None and m["bannerTop"] < DESKTOP["height"]
    assert (SCREENS / "trial-desktop-full.png").stat().st_size > 0


@pytest.mark.browser
def test_trial_page_at_200_percent_zoom_has_no_sideways_scroll(browser, serve, seed_site):
    # 200 % zoom of a 1280px window lays out like a 640px one with twice the pixels.
    base = serve(seed_site)
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(base + TRIAL)
        page.screenshot(path=str(SCREENS / "trial-zoom200-top.png"))
        width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
    finally:
        context.close()
