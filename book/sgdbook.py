"""The book's one helper module: the verification report, claim sections, figure style and seeds.

Pages import it (``import sgdbook``) for the figure style, reproducible seeds and LaTeX display of
SymPy results. Sphinx loads it as an extension (``local_extensions`` in _config.yml) for the
directives that render claims from the report written by ``sgdverify verify --json``:

* ``{sgd-claim} ID`` — one claim and the claims that correct it: statement, verdict, every check;
* ``{sgd-claims} FAMILY`` — every claim of a family (``ziyin``, ``wu``, ...) not yet on this page;
* ``{sgd-summary} [FAMILY]`` — one row per claim: where, statement, verdict;
* ``{sgd-errata}`` — every refuted claim with the data that reproduces the refutation;
* ``{sgd-report-info}`` — what produced the report: versions, seed, mode, digits.

Nothing here is typed in: statements, verdicts and evidence come from the report, which must
cover the registry exactly (a missing, extra or changed claim is a build warning, so ``-W``
fails). Pages that use the directives are re-read whenever the report changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shlex
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import matplotlib
import sympy as sp
from IPython.display import Markdown, Math, display

from verify import papers
from verify.claim import check_seed
from verify.display import segments
from verify.registry import all_claims

BOOK = Path(__file__).resolve().parent
REPORT_ENV = "SGDBOOK_REPORT"
DEFAULT_REPORT = BOOK / "_data" / "report.json"
#: root of every figure's SeedSequence (a figure's stream depends on this and its name only)
FIGURE_SEED = 0

VERDICT_BADGE = {"proved": "bdg-success", "confirmed": "bdg-info", "refuted": "bdg-danger", "inconclusive": "bdg-warning"}
KIND_NAME = {"symbolic": "symbolic", "high_precision": "high precision", "simulation": "simulation"}
PAPERS = {p.key: p for p in vars(papers).values() if isinstance(p, papers.Paper)}

matplotlib.rc_file(BOOK / "matplotlibrc")


# --- the report ------------------------------------------------------------------------------


def report_path() -> Path:
    """``$SGDBOOK_REPORT`` if set, else book/_data/report.json."""
    return Path(os.environ.get(REPORT_ENV) or DEFAULT_REPORT).resolve()


def load_report(path: Path | None = None) -> dict:
    path = path or report_path()
    if not path.is_file():
        raise FileNotFoundError(f"no verification report at {path}: run `sgdverify verify --json {path}` first")
    return json.loads(path.read_text(encoding="utf-8"))


def stale(report: dict) -> list[str]:
    """How the report differs from the registry: claims missing, extra, or with another statement."""
    registry = {claim.id: claim for claim in all_claims()}
    recorded = {claim["id"]: claim for claim in report["claims"]}
    problems = [f"{i} is in the registry but not in the report" for i in registry if i not in recorded]
    problems += [f"{i} is in the report but not in the registry" for i in recorded if i not in registry]
    problems += [
        f"{i}: the registry's statement differs from the report's"
        for i, claim in registry.items()
        if i in recorded and claim.statement != recorded[i]["statement"]
    ]
    return problems


def family(claim_id: str) -> str:
    return claim_id.split(".", 1)[0]


def label(claim_id: str, prefix: str = "claim") -> str:
    """The HTML id of a claim's section (docutils' normalisation: lower case, runs of other
    characters to one hyphen)."""
    return f"{prefix}-" + re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


# --- helpers for pages -----------------------------------------------------------------------


def seed(name: str):
    """The SeedSequence of the figure ``name``, derived like a check's seed (verify.claim.check_seed)."""
    return check_seed(FIGURE_SEED, f"book/{name}", 0)


def check_of(report: dict, claim_id: str, title_start: str) -> dict:
    """The report's check of ``claim_id`` whose title starts with ``title_start`` (its verdict,
    summary, observed values and evidence data, as the JSON report holds them)."""
    (claim,) = [c for c in report["claims"] if c["id"] == claim_id]
    (check,) = [c for c in claim["checks"] if c["title"].startswith(title_start)]
    return check


def records_table(records: list[dict]) -> None:
    """A list of flat dicts with human-readable keys (a claim's regenerated table) as a table."""
    header = list(records[0])
    table(header, [[str(record.get(key, "")) for key in header] for record in records])


def equations(*rows: tuple) -> None:
    r"""Display aligned lines ``(lhs, rhs)`` (read as lhs = rhs) or ``(lhs, relation, rhs)``;
    SymPy results go through ``sympy.latex``; a long right-hand side continues on further lines."""
    lines = []
    for row in rows:
        lhs, relation, rhs = row if len(row) == 3 else (row[0], "=", row[1])
        parts = broken(rhs if isinstance(rhs, str) else sp.latex(rhs))
        lines.append(f"{lhs} &{relation} " + r" \\ &\qquad ".join(parts))
    display(Math(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"))


#: LaTeX characters of one displayed line before ``broken`` starts another (about the text column)
LINE_CHARACTERS = 90


def broken(latex: str, width: int = LINE_CHARACTERS) -> list[str]:
    """``latex`` cut into lines of about ``width`` characters outside braces and \\left…\\right:
    before a binary + or - (one after a letter, digit or closing bracket), or after a ``,\\ ``
    separator; outside parentheses and brackets where that is enough, else one level inside."""
    candidates, depth, brackets, i = [], 0, 0, 0
    while i < len(latex):
        if (latex.startswith(r"\left", i) and not latex[i + 5:i + 6].isalpha()) or latex[i] == "{":
            depth += 1
        elif (latex.startswith(r"\right", i) and not latex[i + 6:i + 7].isalpha()) or latex[i] == "}":
            depth -= 1
        elif latex[i] in "([":
            brackets += 1
        elif latex[i] in ")]":
            brackets -= 1
        elif depth == 0 and latex[i] in "+-" and re.search(r"[\w)\]}|]\s*$", latex[:i]):  # binary + or -
            candidates.append((i, brackets))
        elif depth == 0 and latex.startswith(r",\ ", i):
            candidates.append((i + 3, brackets))
        i += 2 if latex[i] == "\\" else 1
    lines = []
    for level in (0, 1):
        cuts = [0] + [at for at, inside in candidates if inside <= level]
        lines, start = [], 0
        for here, after in zip(cuts[1:], cuts[2:] + [len(latex)]):
            if after - start > width and here > start:
                lines.append(latex[start:here].strip())
                start = here
        lines.append(latex[start:].strip())
        if max(map(len, lines)) <= width:
            break
    return [line for line in lines if line]


def sgdverify(*args: str) -> None:
    """Run ``sgdverify ARGS`` in this process (the CLI itself) and print the command and its output."""
    from click.testing import CliRunner

    from verify.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"sgdverify {shlex.join(args)} exited with status {result.exit_code}: {result.output}")
    print(f"$ sgdverify {shlex.join(args)}\n{result.output}")


def table(header: list[str], rows: list[list]) -> None:
    """Display a table; cells are shown literally (numbers as computed)."""
    display(Markdown(markdown_table(header, [[escape(cell) for cell in row] for row in rows])))


# --- MyST text for claims --------------------------------------------------------------------

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!$<>~&:])")


def escape(text: str) -> str:
    """Plain text as Markdown that renders literally (a backslash before Markdown's punctuation;
    ``|`` matters only in tables, where ``markdown_table`` escapes it)."""
    return _PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def prose(text: str) -> str:
    """A summary as Markdown: its ``$…$`` math spans typeset, the rest rendered literally."""
    return "".join(part if is_math else escape(part) for is_math, part in segments(str(text).strip()))


_GREEK = {name: sp.pretty(sp.Symbol(name), use_unicode=True) for name in (
    "alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "kappa", "lambda", "mu", "rho", "sigma",
    "tau", "phi", "psi", "omega", "Sigma")}


def column_name(key: str) -> str:
    """A record's key as a column header: ``fails_for_eta_above`` reads 'fails for η above'."""
    if not re.fullmatch(r"[A-Za-z0-9]+(_[A-Za-z0-9]+)+", key):
        return key
    return " ".join(_GREEK.get(word, word) for word in key.split("_"))


def code(text: str) -> str:
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A pipe table of cells already in Markdown (``escape`` or ``code`` them first); keys in
    the header read as words (``column_name``)."""
    def row(cells):
        return "| " + " | ".join(cell.replace("|", r"\|") or " " for cell in cells) + " |"

    lines = [row([escape(column_name(h)) for h in header]), "|" + "---|" * len(header), *map(row, rows)]
    return "\n".join(lines)


def _value(value) -> str:
    """An evidence value: a symbolic one (``{"latex": …}``) as inline math, else a code span
    (strings as they are, nested values as JSON)."""
    if value == "" or value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and "latex" in value:
        return f"${value['latex']}$"
    if _is_matrix(value):
        rows = r" \\ ".join(" & ".join(row) for row in value)
        return rf"$\begin{{pmatrix}} {rows} \end{{pmatrix}}$"
    return code(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _is_matrix(value) -> bool:
    """A list of equal-length rows of decimal strings (a matrix the report wrote entry by entry)."""
    return (isinstance(value, list) and len(value) > 0
            and all(isinstance(row, list) and len(row) == len(value[0]) > 0 for row in value)
            and all(isinstance(v, str) and re.fullmatch(r"-?[0-9./e+-]+", v) for row in value for v in row))


def _columns(records) -> list[str]:
    return list(dict.fromkeys(key for record in records for key in record))


def evidence_markdown(data: dict) -> str:
    """A check's evidence as tables: scalars in one, each nested record set in its own."""
    if not data:
        return "*No data recorded.*"
    parts = []
    scalars = [(key, value) for key, value in data.items() if not isinstance(value, (dict, list))]
    if scalars:
        parts.append(markdown_table(["", "value"], [[escape(column_name(k)), _value(v)] for k, v in scalars]))
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            parts.append(f"**{escape(column_name(key))}**\n\n{_nested_markdown(value)}")
    return "\n\n".join(parts)


def _nested_markdown(value) -> str:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        columns = _columns(value)
        return markdown_table(columns, [[_value(v.get(c, "")) for c in columns] for v in value])
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        columns = _columns(value.values())
        rows = [[escape(column_name(k))] + [_value(v.get(c, "")) for c in columns] for k, v in value.items()]
        return markdown_table([""] + columns, rows)
    if isinstance(value, dict):
        return markdown_table(["", "value"], [[escape(column_name(k)), _value(v)] for k, v in value.items()])
    return code(", ".join(v if isinstance(v, str) else json.dumps(v) for v in value)) if value else "*(empty)*"


def badge(verdict: str) -> str:
    return f"{{{VERDICT_BADGE[verdict]}}}`{verdict}`"


def claim_ref(claim_id: str) -> str:
    return f"{{ref}}`{claim_id} <{label(claim_id)}>`"


def claim_ids() -> set[str]:
    """The registry's claim ids."""
    return {claim.id for claim in all_claims()}


def theorem_ref(claim_id: str) -> str:
    """A link to the claim's numbered statement box: 'Theorem 12' (sphinx-proof numbers them)."""
    return f"{{prf:ref}}`{label(claim_id, 'statement')}`"


#: where a statement's LaTeX may break at brace depth 0: ``,\ `` ``;\ `` ``:\ `` and ``\quad``
_BREAK = re.compile(r"([,;:])\\ |\\q?quad\b")


#: TeX spacing at either end of a formula (``\ `` ``\,`` ``~`` and blanks): dropped, never left as a lone ``\``
_SPACING = re.compile(r"^(?:\\[ ,;:!]|~|\s)+|(?:\\[ ,;:!]|~|\s)+$")
#: LaTeX characters of one inline formula of a statement before ``broken`` splits it (the box is narrow)
STATEMENT_CHARACTERS = 60


def statement_markdown(latex: str) -> str:
    """A claim's statement (one LaTeX string) as a paragraph that wraps like a paper's theorem:
    its top-level ``\text{…}`` as prose, its top-level separators (``,\ `` ``;\ `` ``:\ ``
    ``\quad``) as punctuation, and the mathematics between them as inline math (a long formula
    as several, cut before a top-level + or -)."""
    pieces: list[tuple[bool, str]] = []  # (is_math, text)
    math, depth, i = [], 0, 0

    def close():
        raw = "".join(math)
        text = _SPACING.sub("", raw)
        if text:
            pieces.append((True, text))
        elif raw.strip():  # only a TeX space (between two \text): a space
            pieces.append((False, " "))
        math.clear()

    while i < len(latex):
        if depth == 0 and latex.startswith(r"\text{", i):
            close()
            end, level = i + len(r"\text{"), 1
            while level:
                level += {"{": 1, "}": -1}.get(latex[end], 0) if latex[end - 1] != "\\" else 0
                end += 1
            pieces.append((False, latex[i + len(r"\text{"):end - 1]))
            i = end
            continue
        separator = _BREAK.match(latex, i) if depth == 0 else None
        if separator:
            close()
            pieces.append((False, (separator.group(1) or "") + " "))
            i = separator.end()
            continue
        if latex.startswith(r"\left", i) and not latex[i + 5:i + 6].isalpha():
            depth += 1
        elif latex.startswith(r"\right", i) and not latex[i + 6:i + 7].isalpha():
            depth -= 1
        elif latex[i] == "\\":
            math.append(latex[i:i + 2])
            i += 2
            continue
        elif latex[i] == "{":
            depth += 1
        elif latex[i] == "}":
            depth -= 1
        math.append(latex[i])
        i += 1
    close()
    out = []
    for index, (is_math, text) in enumerate(pieces):
        if is_math:
            before = "" if index == 0 or pieces[index - 1][1][-1:].isspace() or pieces[index - 1][1][-1:] in "([" else " "
            out.append(before + " ".join(f"${part}$" for part in broken(text, STATEMENT_CHARACTERS)))
        else:
            after_math = index > 0 and pieces[index - 1][0]
            out.append((" " if after_math and not re.match(r"[\s,.;:)\]]", text) else "") + escape(text))
    return "".join(out).strip()


def check_heading(check: dict) -> str:
    version_note = f" · as printed in {escape(check['version'])}" if check["version"] else ""
    role = " · a step of the proof" if check["about"] == "proof" else ""
    uncounted = "" if check["counted"] else " · consistency check (no mutation can flip it; not counted)"
    return (f"{badge(check['verdict'])} **{KIND_NAME[check['kind']]}**{version_note}{role}{uncounted} — "
            f"*{escape(check['title'])}*")


def observed_markdown(check: dict) -> str:
    """What the check computed beside what the claim predicts."""
    if check["observed"] is None and check["expected"] is None:
        return ""
    return markdown_table(["observed", "expected"], [[_value(check["observed"]), _value(check["expected"])]]) + "\n\n"


def _timing(seconds: str) -> str:
    """' · computed in 2.3 s' (nothing for a check faster than a millisecond)."""
    value = float(seconds)
    return f" · computed in {value:.2g} s" if value >= 0.001 else ""


def check_markdown(check: dict, evidence_title: str = "Evidence", open_: bool = False) -> str:
    options = "\n:open:" if open_ else ""
    return (
        f":::::{{container}} sgd-check sgd-verdict-{check['verdict']}\n"
        f"{check_heading(check)}\n\n{prose(check['summary'])}\n\n"
        f"{observed_markdown(check)}"
        f"*Tolerance:* {prose(check['tolerance'])}\n\n"
        f"::::{{dropdown}} {escape(evidence_title)}{escape(_timing(check['seconds']))}{options}\n"
        f"{evidence_markdown(check['evidence'])}\n::::\n:::::"
    )


def citations(claim: dict) -> str:
    return "; ".join(escape(PAPERS[key].citation) for key in claim["papers"])


def claim_markdown(claim: dict, corrections: list[dict]) -> str:
    """A claim's section: the statement as a theorem, the verdict, then every check."""
    lines = [
        f"::::::{{container}} sgd-claim sgd-verdict-{claim['verdict']}",
        f":name: {label(claim['id'])}",
        "",
        f":::::{{prf:theorem}} {code(claim['id'])} · {escape(claim['where'])}",
        f":label: {label(claim['id'], 'statement')}",
        "",
        statement_markdown(claim["statement"]),
        "",
        f"*{prose(claim['summary'])}* — {citations(claim)}",
        ":::::",
        "",
        f"**Verdict:** {badge(claim['verdict'])} {verdict_reason(claim)}",
    ]
    if claim["corrects"]:
        lines.append(f"This is the corrected form of {claim_ref(claim['corrects'])}.")
    for correction in corrections:
        lines.append(f"Corrected form: {claim_ref(correction['id'])} {badge(correction['verdict'])}.")
    lines.append("")
    lines.extend(check_markdown(check) + "\n" for check in claim["checks"])
    lines.append("::::::")
    return "\n".join(lines)


def verdict_reason(claim: dict) -> str:
    """The tally of the checks the verdict rests on (counted checks of the statement)."""
    counted = [c for c in claim["checks"] if c["counted"] and c["about"] == "statement"]
    counts = Counter(check["verdict"] for check in counted)
    tally = ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items()))
    noun = "check" if len(counted) == 1 else "checks"
    reason = f"from {len(counted)} {noun} of the statement: {tally}" if counted else "no counted check of the statement"
    if claim["proof_gaps"]:
        reason += f"; {len(claim['proof_gaps'])} proof gap{'s' if len(claim['proof_gaps']) > 1 else ''}"
    return f"({escape(reason)})"


def errata_markdown(report: dict) -> str:
    """The errata: a section per refuted claim (the statement as printed, its correction, one
    line of evidence, a link to the claim, the reproducing data collapsed), then a section per
    proof gap in a claim whose statement stands. Headings feed the page's contents panel."""
    refuted = [c for c in report["claims"] if c["verdict"] == "refuted"]
    gaps = [c for c in report["claims"] if c["proof_gaps"] and c["verdict"] != "refuted"]
    corrections = _corrections(report)
    blocks = ["## Refuted statements", ""]
    if not refuted:
        blocks.append("*The verifier refuted no claim.*")
    else:
        blocks.append(f"{len(refuted)} of {len(report['claims'])} claims are refuted as printed. Each entry gives the "
                      "statement as printed, the corrected form where one is registered, the first refuting "
                      "check's finding, and the data that reproduce it (collapsed).")
    for claim in refuted:
        refuting = [check for check in claim["checks"] if check["verdict"] == "refuted" and check["about"] == "statement"]
        blocks.append(_erratum(claim, refuting, corrections.get(claim["id"], []), "erratum"))
    blocks += ["", "## Proof gaps", ""]
    if not gaps:
        blocks.append("*No proof gap was found in a claim whose statement stands.*")
    else:
        blocks.append(f"In {len(gaps)} claims the statement stands on its own checks but a step of the printed proof "
                      "is wrong; the step and the data follow.")
    for claim in gaps:
        steps = [check for check in claim["checks"] if check["about"] == "proof" and check["verdict"] == "refuted"]
        blocks.append(_erratum(claim, steps, [], "gap"))
    return "\n".join(blocks)


def _erratum(claim: dict, checks: list[dict], corrections: list[dict], prefix: str) -> str:
    lines = [
        "",
        f"({label(claim['id'], prefix)})=",
        f"### {claim['id']} · {escape(claim['where'])}",
        "",
        f"**As printed** ({citations(claim)}): {statement_markdown(claim['statement'])}",
        "",
    ]
    for correction in corrections:
        lines += [f"**Corrected** ({claim_ref(correction['id'])} {badge(correction['verdict'])}): "
                  f"{statement_markdown(correction['statement'])}", ""]
    if prefix == "erratum" and not corrections:
        lines += ["**Corrected:** no corrected form is registered.", ""]
    if checks:
        what = "Evidence" if prefix == "erratum" else "The wrong step"
        lines += [f"**{what}:** {prose(checks[0]['summary'])}", ""]
    lines += [f"Full section: {theorem_ref(claim['id'])}, {claim_ref(claim['id'])} {badge(claim['verdict'])}", ""]
    if checks:
        noun = "check" if len(checks) == 1 else "checks"
        lines += [f":::::::{{dropdown}} The {len(checks)} refuting {noun} and the data that reproduce them", ""]
        lines += [check_markdown(check, "Data") + "\n" for check in checks]
        lines.append(":::::::")
    return "\n".join(lines)


def summary_markdown(claims: list[dict]) -> str:
    rows = [[claim_ref(c["id"]), escape(c["where"]), prose(c["summary"]), badge(c["verdict"])] for c in claims]
    return markdown_table(["claim", "where", "statement", "verdict"], rows)


def report_info_markdown(report: dict, path: Path) -> str:
    counts = Counter(claim["verdict"] for claim in report["claims"])
    seconds = sum(float(check["seconds"]) for claim in report["claims"] for check in claim["checks"])
    packages = ["sgdverify", "sympy", "mpmath", "numpy", "scipy", "matplotlib", "jupyter-book", "sphinx", "myst-nb"]
    rows = [
        ["report", path.name],
        ["sgdverify version that wrote it", report["sgdverify"]],
        ["mode", "quick (small ensembles)" if report["quick"] else "full"],
        ["seed (root of every check's SeedSequence)", str(report["seed"])],
        ["mpmath digits (--dps)", str(report["dps"])],
        ["claims", str(len(report["claims"]))],
        ["verdicts", ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))],
        ["checks", str(sum(len(c["checks"]) for c in report["claims"]))],
        ["time in checks", f"{seconds:.1f} s"],
        ["Python", platform.python_version()],
        *[[name, version(name)] for name in packages],
    ]
    return markdown_table(["", "value"], [[escape(k), code(v)] for k, v in rows])


def _corrections(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for claim in report["claims"]:
        if claim["corrects"]:
            found.setdefault(claim["corrects"], []).append(claim)
    return found


# --- the Sphinx extension --------------------------------------------------------------------


def setup(app):
    from docutils import nodes
    from docutils.statemachine import StringList
    from sphinx.util import logging
    from sphinx.util.docutils import SphinxDirective

    logger = logging.getLogger(__name__)

    class ReportDirective(SphinxDirective):
        """Renders MyST text made from the report, and marks the page as depending on it."""

        def render(self, text: str, titles: bool = False) -> list:
            """The nodes of ``text``; with ``titles`` its headings become sections of the page."""
            self.env.note_dependency(str(app.sgdbook_path))
            container = nodes.container()
            self.state.nested_parse(StringList(text.splitlines()), self.content_offset, container, match_titles=titles)
            return container.children

        def shown(self) -> set[str]:
            return self.env.sgdbook_shown.setdefault(self.env.docname, set())

        def claims(self, ids) -> str:
            corrections = _corrections(app.sgdbook_report)
            blocks = []
            for claim in ids:
                record = app.sgdbook_claims[claim]
                blocks.append(claim_markdown(record, corrections.get(claim, [])))
                self.shown().add(claim)
            return "\n\n".join(blocks)

    class Claim(ReportDirective):
        required_arguments = 1

        def run(self):
            wanted = self.arguments[0]
            if wanted not in app.sgdbook_claims:
                logger.warning(f"sgd-claim: no claim {wanted!r} in the report", location=self.get_location())
                return []
            group = [wanted] + [c["id"] for c in _corrections(app.sgdbook_report).get(wanted, [])]
            return self.render(self.claims(group))

    class Claims(ReportDirective):
        required_arguments = 1

        def run(self):
            chosen = [i for i in app.sgdbook_claims if family(i) == self.arguments[0] and i not in self.shown()]
            if not chosen:
                return []  # every claim of the family is shown in its own section
            return self.render(self.claims(chosen))

    class Summary(ReportDirective):
        optional_arguments = 1

        def run(self):
            wanted = self.arguments[0] if self.arguments else None
            chosen = [c for c in app.sgdbook_report["claims"] if wanted in (None, family(c["id"]))]
            if not chosen:
                return self.render("*The registry has no claims of this family yet.*")
            return self.render(summary_markdown(chosen))

    class Errata(ReportDirective):
        def run(self):
            return self.render(errata_markdown(app.sgdbook_report), titles=True)

    class ReportInfo(ReportDirective):
        def run(self):
            return self.render(report_info_markdown(app.sgdbook_report, app.sgdbook_path))

    def load(app_):
        app.sgdbook_path = report_path()
        app.sgdbook_report = load_report(app.sgdbook_path)
        app.sgdbook_claims = {claim["id"]: claim for claim in app.sgdbook_report["claims"]}
        for problem in stale(app.sgdbook_report):
            logger.warning(f"stale report {app.sgdbook_path}: {problem} (run `sgdverify verify --json ...` again)")

    def init_env(app_, env, docnames):
        if not hasattr(env, "sgdbook_shown"):
            env.sgdbook_shown = {}

    def purge(app_, env, docname):
        getattr(env, "sgdbook_shown", {}).pop(docname, None)

    def notebook(app_, pagename, templatename, context, doctree):
        """Offer the page as a notebook (the theme's download menu): the one myst-nb executed, with
        its outputs, else one read from the MyST source."""
        source = Path(app.srcdir) / f"{pagename}.md"
        if doctree is None or not source.is_file():
            return
        import nbformat
        from myst_nb.core.read import read_myst_markdown_notebook

        executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if executed.is_file():
            target.write_bytes(executed.read_bytes())
        else:
            nbformat.write(read_myst_markdown_notebook(source.read_text(encoding="utf-8")), target)
        context["ipynb_source"] = target.name

    def coverage(app_, env):
        shown = set().union(*getattr(env, "sgdbook_shown", {}).values())
        for claim in all_claims():
            if claim.id not in shown:
                logger.warning(f"claim {claim.id} appears on no page of the book")

    # a changed sgdbook.py changes this value, and a changed value re-reads every page
    app.add_config_value("sgdbook_source", hashlib.sha256(Path(__file__).read_bytes()).hexdigest(), "env")
    for name, directive in (("sgd-claim", Claim), ("sgd-claims", Claims), ("sgd-summary", Summary),
                            ("sgd-errata", Errata), ("sgd-report-info", ReportInfo)):
        app.add_directive(name, directive)
    app.connect("builder-inited", load)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge)
    app.connect("env-check-consistency", coverage)
    app.connect("html-page-context", notebook, priority=500)  # before the theme's buttons (501)
    app.add_css_file("sgdbook.css")
    return {"version": version("sgdverify"), "parallel_read_safe": False, "parallel_write_safe": True}
