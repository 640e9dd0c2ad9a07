"""The Jupyter Book: built strictly from a fresh report, it shows every claim, offline.

The book is built once per session into a temporary directory, from a quick report written by
``sgdverify verify --quick``, with the flags of the README's command (-W -n --keep-going), and no
cache: what CI on a fresh clone does. Its HTML must have every chapter page, no TeX outside the
elements MathJax renders, every figure file it references, every claim of the registry with its
verdict, errata listing exactly the refuted claims, and nothing fetched from the network. Small
throwaway books with the book's own configuration show that a raising cell and a broken
cross-reference fail the build. Headless Chromium (Debian package ``chromium``) renders two
pages offline; those tests skip when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import numpy as np
import pytest

pytest.importorskip("jupyter_book", reason="the book needs its extra: pip install -e '.[book]'")
yaml = pytest.importorskip("yaml")

BOOK = Path(__file__).resolve().parents[1] / "book"
sys.path.insert(0, str(BOOK))
with matplotlib.rc_context():  # sgdbook applies the book's figure style; keep it out of other tests
    import sgdbook  # noqa: E402  (the book's helper module lives in book/)

from verify.registry import all_claims  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
#: figures each paper's page must show at least (file names under _images/)
PAGE_FIGURES = {"ziyin": 17, "wu": 7, "patel": 12, "kleinberg": 5}
#: which page shows each claim family
FAMILY_PAGE = {"patel": "patel", "kleinberg": "kleinberg", "wu": "wu", "ziyin": "ziyin", "ext": "derive"}
#: math delimiters that MathJax would have consumed: \( \) \[ \] $$, or a $ opening a TeX command
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\$\\")


def jupyter_book(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)


@dataclass(frozen=True)
class Built:
    html: Path
    report: dict
    log: str

    def page(self, name: str) -> str:
        return (self.html / f"{name}.html").read_text(encoding="utf-8")

    def pages(self) -> dict[str, str]:
        return {path.stem: path.read_text(encoding="utf-8") for path in sorted(self.html.glob("*.html"))}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """Verify (quick) into a temporary report, then build the book from it with no cache."""
    root = tmp_path_factory.mktemp("book")
    report = root / "report.json"
    verify = subprocess.run([sys.executable, "-m", "verify", "verify", "--quick", "--json", str(report)],
                            capture_output=True, text=True, timeout=1800)
    assert verify.returncode == 0, verify.stderr[-3000:]
    env = {**os.environ, sgdbook.REPORT_ENV: str(report)}
    result = jupyter_book("build", str(BOOK), "--path-output", str(root), "-W", "-n", "--keep-going", env=env)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the book did not build:\n{log[-6000:]}"
    return Built(root / "_build" / "html", json.loads(report.read_text()), log)


class Html(HTMLParser):
    """Text outside math, code and scripts; ids with their classes; img sources; external loads."""

    SKIPPED = {"script", "style", "pre", "code", "textarea"}

    def __init__(self, text: str):
        super().__init__()
        self.text, self.ids, self.images, self.external = [], {}, [], []
        self.stack: list[tuple[str, bool]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        hidden = tag in self.SKIPPED or "math" in classes or any(skip for _, skip in self.stack)
        if tag not in {"br", "img", "meta", "link", "input", "hr", "source", "wbr"}:
            self.stack.append((tag, hidden))
        if attrs.get("id"):
            self.ids[attrs["id"]] = classes
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for key in ("src", "href"):
            if tag in {"script", "link", "img", "iframe"} and re.match(r"(https?:)?//", attrs.get(key) or ""):
                self.external.append(attrs[key])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(skip for _, skip in self.stack):
            self.text.append(data)


# --- the build and its HTML ------------------------------------------------------------------


def toc_pages() -> list[str]:
    """The pages the table of contents lists, root first."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    return [toc["root"]] + [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]


@pytest.mark.slow
def test_every_chapter_page_exists(built):
    files = toc_pages()
    missing = [name for name in files if not (built.html / f"{name}.html").is_file()]
    assert not missing
    assert (built.html / "index.html").is_file()
    assert "WARNING:" not in built.log


@pytest.mark.slow
def test_no_tex_is_left_outside_what_mathjax_renders(built):
    for name, text in built.pages().items():
        leftovers = RAW_TEX.findall(" ".join(Html(text).text))
        assert not leftovers, f"{name}.html has unrendered TeX: {leftovers[:5]}"
    ziyin = built.page("ziyin")
    assert ziyin.count('class="math notranslate nohighlight"') > 20
    assert '_static/mathjax/tex-chtml.js' in ziyin
    assert (built.html / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.slow
def test_every_figure_file_exists(built):
    for name, text in built.pages().items():
        for source in Html(text).images:
            assert (built.html / source.split("?")[0]).is_file(), f"{name}.html: missing {source}"
    for page, count in PAGE_FIGURES.items():
        figures = [source for source in Html(built.page(page)).images if source.startswith("_images/")]
        assert len(figures) >= count, f"{page}.html shows {len(figures)} figures, expected at least {count}"
        assert all((built.html / source).stat().st_size > 10_000 for source in figures), page


@pytest.mark.slow
def test_every_claim_appears_once_with_its_verdict(built):
    verdicts = {claim["id"]: claim["verdict"] for claim in built.report["claims"]}
    assert set(verdicts) == {claim.id for claim in all_claims()}
    found = {}
    for name, text in built.pages().items():
        for element, classes in Html(text).ids.items():
            if element.startswith("claim-"):
                assert element not in found, f"{element} on {found.get(element)} and {name}"
                found[element] = (name, classes)
    for claim_id, verdict in verdicts.items():
        page, classes = found[sgdbook.label(claim_id)]
        assert f"sgd-verdict-{verdict}" in classes
        assert page == FAMILY_PAGE.get(sgdbook.family(claim_id), page)


@pytest.mark.slow
def test_errata_list_exactly_the_refuted_claims(built):
    refuted = {sgdbook.label(c["id"], "erratum") for c in built.report["claims"] if c["verdict"] == "refuted"}
    listed = {element for element in Html(built.page("errata")).ids if element.startswith("erratum-")}
    assert refuted and listed == refuted


@pytest.mark.slow
def test_every_page_downloads_as_a_notebook_and_the_statistics_list_every_executed_page(built):
    """The download menu of each page offers its .ipynb, which is a valid notebook holding the
    page's code (with outputs for an executed page); the statistics page has a row for every page
    with code."""
    import nbformat

    executed = [name for name in toc_pages() if "{code-cell}" in (BOOK / f"{name}.md").read_text(encoding="utf-8")]
    assert len(executed) >= 5
    for name in toc_pages():
        assert "download-notebook-button" in built.page(name), name
        notebook = nbformat.read(built.html / "_sources" / f"{name}.ipynb", as_version=4)
        nbformat.validate(notebook)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if name in executed:
            assert code and any(cell.outputs for cell in code), name
    statistics = " ".join(Html(built.page("statistics")).text)
    for name in executed:
        assert re.search(rf"\b{name}\b", statistics), f"{name} is missing from the execution statistics"


@pytest.mark.slow
def test_pages_load_nothing_from_the_network(built):
    for name, text in built.pages().items():
        assert not Html(text).external, f"{name}.html loads {Html(text).external}"


# --- the build fails on a raising cell or a broken reference ---------------------------------


def mini_book(folder: Path, page: str) -> Path:
    """A one-page book with the book's configuration (less its report directives)."""
    config = yaml.safe_load((BOOK / "_config.yml").read_text())
    del config["sphinx"]["local_extensions"]
    config["sphinx"]["config"].pop("html_static_path")
    (folder / "_config.yml").write_text(yaml.safe_dump(config))
    (folder / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    header = "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# Mini\n\n"
    (folder / "index.md").write_text(header + page)
    return folder


def build_mini(page: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as folder:
        return jupyter_book("build", str(mini_book(Path(folder), page)), "-W", "-n", "--keep-going")


@pytest.mark.slow
def test_a_mini_book_with_the_same_configuration_builds():
    result = build_mini("```{code-cell} ipython3\nprint(6 * 7)\n```\n\nSee {ref}`the top <top>`.\n\n(top)=\n## Top\n")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]


@pytest.mark.slow
def test_a_raising_cell_fails_the_build():
    result = build_mini("```{code-cell} ipython3\nraise RuntimeError('cell 2 is broken')\n```\n")
    assert result.returncode != 0
    assert "cell 2 is broken" in result.stdout + result.stderr


@pytest.mark.slow
def test_a_broken_cross_reference_fails_the_build():
    result = build_mini("```{code-cell} ipython3\nprint(6 * 7)\n```\n\nSee {ref}`nowhere-at-all`.\n")
    assert result.returncode != 0
    assert "nowhere-at-all" in result.stdout + result.stderr


# --- the helpers that render claims ------------------------------------------------------------


def test_a_stale_report_is_named():
    claims = [{"id": claim.id, "statement": claim.statement} for claim in all_claims()]
    first = claims[0]["id"]
    assert sgdbook.stale({"claims": claims}) == []
    assert sgdbook.stale({"claims": claims[1:]}) == [f"{first} is in the registry but not in the report"]
    changed = [{**claims[0], "statement": "x"}] + claims[1:] + [{"id": "nobody.claim", "statement": ""}]
    assert sgdbook.stale({"claims": changed}) == [
        "nobody.claim is in the report but not in the registry",
        f"{first}: the registry's statement differs from the report's",
    ]


def test_text_and_evidence_render_literally():
    from markdown_it import MarkdownIt

    render = MarkdownIt("commonmark").enable("table").render
    tricky = "P(|w_t| > ε) = *1/2* [a] `b` $x$ \\ #1"
    assert render(sgdbook.escape(tricky)) == f"<p>{tricky.replace('>', '&gt;')}</p>\n"
    evidence = {"mu": "-0.3", "points": [{"t": 5, "ci": "[0.1, 0.2]"}, {"t": 6, "ok": True}],
                "by_a": {"-1": {"low": "0.5"}}, "pair": ["1|2", 3]}
    html = render(sgdbook.evidence_markdown(evidence))
    assert html.count("<table>") == 3
    assert "<code>[0.1, 0.2]</code>" in html and "<td>yes</td>" in html and "<code>1|2, 3</code>" in html
    assert "<th>by a</th>" not in html and "by a" in html  # a key reads as words, not by_a
    assert sgdbook.label("ext.trap_set") == "claim-ext-trap-set"


# --- a browser renders the pages offline --------------------------------------------------------

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed: "
                                    "apt-get install -y chromium (Debian) to run the browser checks")


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--virtual-time-budget=10000", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("page", ["intro", "ziyin"])
def test_a_browser_screenshot_is_not_blank(built, page, tmp_path):
    from matplotlib.image import imread

    shot = tmp_path / f"{page}.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,900", (built.html / f"{page}.html").as_uri())
    assert shot.is_file(), f"Chromium wrote no screenshot of {page}.html"
    gray = imread(shot)[..., :3].mean(axis=2)
    assert gray.std() > 0.05
    assert np.mean(gray < 0.9) > 0.02  # some ink on the page, not a white sheet


#: program text where a reader should see mathematics or words: reprs, SymPy str (``**``, ``2*a``,
#: ``sqrt(``, ``oo``), ``Interval.``, Python truth values and dicts, and raw TeX (``log(`` is left
#: out: prose writes it too)
PROGRAM_TEXT = re.compile(r"Interval\.|\bTrue\b|\bFalse\b|\{'|\*\*|\\frac|\\left|\b(?:sqrt|Max|Abs|Piecewise)\(|\boo\b"
                          r"|[A-Za-z0-9)]\*[A-Za-z(]")


def audit(html: Path, page: str) -> dict:
    """tests/book_audit.js's findings on ``page`` rendered at 1280 px (a copy of it with the script)."""
    copy = html / f"_audit_{page}.html"
    script = (Path(__file__).parent / "book_audit.js").as_uri()
    copy.write_text((html / f"{page}.html").read_text(encoding="utf-8").replace(
        "</body>", f'<script src="{script}"></script></body>'), encoding="utf-8")
    try:
        dom = chromium("--window-size=1280,900", "--allow-file-access-from-files", "--virtual-time-budget=30000",
                       "--dump-dom", copy.as_uri()).stdout
    finally:
        copy.unlink()
    found = re.search(r'<pre id="sgd-audit"[^>]*>(.*?)</pre>', dom, re.S)
    assert found, f"the audit script did not run on {page}.html"
    import html as markup

    return json.loads(markup.unescape(found.group(1)))


@pytest.mark.slow
@needs_chromium
def test_every_page_in_a_browser_shows_no_program_text_and_fits_its_column(built):
    """Every page at 1280 px: nothing reaches past its column or is clipped, no formula needs a
    scroll bar (long ones break), tables may scroll, and no program text is visible (evidence in
    collapsed dropdowns included)."""
    from concurrent.futures import ThreadPoolExecutor

    pages = toc_pages()
    with ThreadPoolExecutor(2) as pool:
        audits = dict(zip(pages, pool.map(lambda page: audit(built.html, page), pages)))
    problems = []
    for page, found in audits.items():
        problems += [f"{page}: wider than its box by {w['over']} px: <{w['tag']}> {w['text'][:60]}" for w in found["wide"]]
        problems += [f"{page}: a formula scrolls {w['over']} px: {w['text'][:60]}" for w in found["scrolling"]
                     if w["math"] and not w["table"] and not w["code"]]
        problems += [f"{page}: program text {m.group()!r} in ...{found['text'][max(0, m.start() - 50):m.end() + 30]}..."
                     for m in PROGRAM_TEXT.finditer(found["text"])]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.slow
@needs_chromium
def test_mathjax_typesets_every_formula_offline(built):
    dom = chromium("--dump-dom", (built.html / "ziyin.html").as_uri()).stdout
    assert dom.count("<mjx-container") > 20
    assert not RAW_TEX.findall(" ".join(Html(dom).text))
    assert not re.search(r'class="math notranslate nohighlight">\s*\\\(', dom)


def test_statements_wrap_as_prose_with_inline_math():
    """A statement's top-level \\text{…} reads as prose and its top-level separators break the
    line; braces and \\left…\\right keep what they group in one span."""
    latex = (r"\lambda = 1,\ x \in \{1, a-1\}:\ w_t \to 0 \text{ a.s., while } "
             r"\left(\frac{a}{a-1}, \text{no break}\right) \Rightarrow \text{GD stays}")
    assert sgdbook.statement_markdown(latex) == (
        r"$\lambda = 1$, $x \in \{1, a-1\}$\: $w_t \to 0$ a\.s\., while "
        r"$\left(\frac{a}{a-1}, \text{no break}\right) \Rightarrow$ GD stays")
    for claim in all_claims():  # every registered statement splits into brace-balanced spans
        for span in re.findall(r"\$([^$]*)\$", sgdbook.statement_markdown(claim.statement)):
            depth = 0
            for before, char in zip(" " + span, span):
                depth += {"{": 1, "}": -1}.get(char, 0) if before != "\\" else 0
                assert depth >= 0, (claim.id, span)
            assert depth == 0, (claim.id, span)


def test_summaries_typeset_their_math_and_keys_read_as_words():
    import sympy as sp

    from verify.display import tex

    summary = f"gap {tex(-sp.Rational(2079, 1000) * sp.Symbol('d0')**2)} on {tex(sp.Interval.open(0, 2))}, *not* emphasis"
    assert sgdbook.prose(summary) == r"gap $- \frac{2079 d_{0}^{2}}{1000}$ on $\left(0, 2\right)$, \*not\* emphasis"
    assert tex(((4, -1), (-1, 3))) == r"$\left[\begin{matrix}4 & -1\\-1 & 3\end{matrix}\right]$"
    assert sgdbook.column_name("fails_for_eta_above") == "fails for η above"
    assert sgdbook.column_name("P(w_t ≠ 0)") == "P(w_t ≠ 0)"  # not a key: left as written
