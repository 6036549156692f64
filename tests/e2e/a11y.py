"""What the browser tests share for accessibility checks: axe-core's serious and critical
violations, described one per line, and ARIA references to ids that do not exist."""

DANGLING_ARIA_REFERENCES = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) bad.push(`${el.tagName.toLowerCase()}#${el.id} ${attr}="${id}"`);
      }
    }
  }
  return bad;
}"""


def serious_violations(results):
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def describe(where, violation):
    """One line per violation: the page, the rule, and each element with axe's reason (for contrast,
    the colours and the ratio found)."""

    def node(n):
        reasons = "; ".join(check["message"] for check in n.get("any", []) + n.get("all", []) if check.get("message"))
        return f"{', '.join(n['target'])} [{reasons}]" if reasons else ", ".join(n["target"])

    nodes = " | ".join(node(n) for n in violation["nodes"])
    return f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} -> {nodes}"


def page_problems(axe, page, where) -> list[str]:
    """The open page's serious or critical axe violations and its dangling ARIA references, one
    line each, labelled with `where`."""
    problems = [describe(where, v) for v in serious_violations(axe.run(page))]
    problems.extend(f"{where}: dangling {ref}" for ref in page.evaluate(DANGLING_ARIA_REFERENCES))
    return problems


# The WCAG 2.1 A and AA rules of axe-core (ACC-1/ACC-2 for the portal itself, issue 15).
WCAG21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def wcag_problems(axe, page, where) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe finds on the open page, whatever its impact, and its
    dangling ARIA references, one line each."""
    problems = [describe(where, v) for v in axe.run(page, options=WCAG21_AA).response["violations"]]
    problems.extend(f"{where}: dangling {ref}" for ref in page.evaluate(DANGLING_ARIA_REFERENCES))
    return problems
