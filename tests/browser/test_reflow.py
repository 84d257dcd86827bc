"""WCAG 1.4.10 Reflow: at 320 CSS pixels wide no page scrolls sideways; a wide table scrolls
inside its own focusable region instead."""
import pytest

pytestmark = pytest.mark.browser

#: who signs in -> pages that have tables or long titles
PAGES = {
    "contract.manager@bexley.example": ["/", "/cases", "/mail", "/notifications", "/disputes/new", "/accessibility"],
    "decision.maker@bexley.example": ["/"],
    "mediator@bvsc.example": ["/"],
    "admin@bexley.example": ["/", "/admin/people", "/admin/organisations", "/admin/failed-messages"],
}


@pytest.mark.parametrize("email", PAGES)
def test_home_and_lists_reflow_at_320_pixels(email, sign_in):
    page = sign_in(email)
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = {}
    for path in PAGES[email]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}
