"""Driving the portal with the keyboard alone (issue 15, WCAG 2.1.1 and 2.4.7): move the focus with
Tab or Shift+Tab until it reaches an element, asserting at every stop on the way that the focused
element shows where the focus is (a visible outline or box shadow, read from its computed style)."""

# What has the focus, and whether it is drawn: an outline of some width, or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  // A date field's calendar button is a part of the browser's own control: when it has the focus,
  // the field is :focus-within but not :focus, and Chromium draws its own ring around the button
  // (seen on screenshots); the page cannot read that part's style.
  const browserPart = el.type === "date" && !el.matches(":focus") && el.matches(":focus-within");
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== "none";
  const rect = el.getBoundingClientRect();
  const name = (el.innerText || el.value || el.name || "").trim().slice(0, 40);
  return {
    what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${name}"`,
    drawn: outline || shadow || browserPart,
    shown: rect.width > 0 && rect.height > 0,
  };
}"""

MAX_STOPS = 250


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page, where: str = "") -> dict:
    info = focused(page)
    for _ in range(10):
        if info is None or info["drawn"]:
            break
        # Bootstrap fades the focus ring in (a 0.15 s transition, longer on a busy machine): read
        # it again, for at most a second, until it is drawn.
        page.wait_for_timeout(100)
        info = focused(page)
    assert info is not None, f"{where}: nothing has the focus"
    assert info["shown"] and info["drawn"], f"{where}: the focus on {info['what']} is not visible"
    return info


def has_focus(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


# Whether the element comes before the focused one in the page (then Shift+Tab reaches it).
BEFORE_FOCUS = """el => {
  const focus = document.activeElement;
  if (!focus || focus === document.body) return false;
  return !!(focus.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
}"""


def tab_to(page, locator, *, backwards: bool | None = None, stops: list | None = None) -> int:
    """Press Tab, or Shift+Tab when ``locator`` comes before the focus (or with ``backwards``),
    until ``locator`` has the focus; every element the focus passes must show it. Returns the
    number of key presses; ``stops`` collects what was focused, for the test's record."""
    locator.wait_for(state="attached")
    if backwards is None:
        backwards = locator.evaluate(BEFORE_FOCUS)
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, MAX_STOPS + 1):
        page.keyboard.press(key)
        info = assert_focus_visible(page, f"{key} #{presses} towards {locator}")
        if stops is not None:
            stops.append(info["what"])
        if has_focus(locator):
            return presses
    raise AssertionError(f"{locator} never got the focus in {MAX_STOPS} presses of {key}")


def arrow_to(page, locator, *, key: str = "ArrowDown", limit: int = 40) -> None:
    """Press an arrow key until ``locator`` has the focus (a menu's items, a radio group)."""
    for _ in range(limit):
        if has_focus(locator):
            assert_focus_visible(page, f"{key} to {locator}")
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never got the focus with {key}")


def choose_option(page, select, label: str, limit: int = 60) -> None:
    """On a focused <select>, press ArrowDown (then ArrowUp) until the option ``label`` is chosen."""
    assert has_focus(select)
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(limit):
            if select.evaluate("s => s.options[s.selectedIndex] && s.options[s.selectedIndex].text.trim()") == label:
                return
            page.keyboard.press(key)
    raise AssertionError(f"no option {label!r} in {select}")
