"""The LaTeX backend: section text read from the arXiv source, math kept exact.

``|\\eta| < 2.47`` read from the source beats any glyph stream. We find the main
``.tex`` file, inline ``\\input``/``\\include``, expand argument-free macros, split
sections/paragraphs/captions/footnotes/equations, number the bibliography (``.bbl`` or
``thebibliography``) in citation order and write ``\\cite{a,b}`` as ``[1, 2]``. Each block
is mapped back to its PDF page by matching a run of its plain words on the page text.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from pathlib import Path
from typing import Any

from pipeline.errors import ParseError
from pipeline.parse.document import BlockKind, Document, Page, SourceInfo, Table
from pipeline.parse.normalize import normalize_text
from pipeline.parse.structure import (
    TextBuilder,
    build_sections,
    find_citations,
    reference_from_text,
)

_COMMENT = re.compile(r"(?<!\\)%.*")
_INPUT = re.compile(r"\\(?:input|include)\s*\{([^}]+)\}")
_NEWCOMMAND = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\\([A-Za-z]+)\}?\s*\{")
_DEF = re.compile(r"\\def\s*\\([A-Za-z]+)\s*\{")
_SECTION = re.compile(r"\\(section|subsection|subsubsection|paragraph)\*?\s*(?:\[[^\]]*\])?\s*\{")
_ENV = re.compile(
    r"\\begin\{(figure\*?|table\*?|equation\*?|align\*?|eqnarray\*?|abstract|thebibliography)\}(.*?)\\end\{\1\}",
    re.S,
)
_CITE = re.compile(r"\\cite[tp]?\*?\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}")
_BIBITEM = re.compile(r"\\bibitem\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}")
_STYLE = re.compile(
    r"\\(?:emph|textbf|textit|textrm|textsc|mbox|text|textsf|texttt|ensuremath|mathrm|mathit|mathbf|mathsf|mathsc|rm|operatorname)\s*\{"
)
_DROP = re.compile(
    r"\\(?:label|vspace|hspace|index)\*?\s*\{[^}]*\}|\\(?:noindent|centering|small|footnotesize|clearpage|newpage|par|medskip|bigskip|smallskip|maketitle|tableofcontents|appendix)\b"
    r"|\\(?:bibliographystyle|bibliography)\s*\{[^}]*\}|\\kern\s*-?[\d.]+\s*(?:em|ex|pt|mu)\s*"
)


def _read_archive(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    files: dict[str, str] = {}
    try:
        if path.name.endswith(".tar.gz") or data[:2] == b"\x1f\x8b":
            try:
                with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
                    for member in tar.getmembers():
                        if member.isfile() and member.name.endswith(
                            (".tex", ".bbl", ".sty", ".def")
                        ):
                            handle = tar.extractfile(member)
                            if handle is not None:
                                files[member.name] = handle.read().decode("utf-8", "replace")
                return files
            except tarfile.TarError:
                data = gzip.decompress(data)
        files["main.tex"] = data.decode("utf-8", "replace")
    except (OSError, EOFError) as err:
        raise ParseError(
            f"cannot read the LaTeX source {path} ({err})",
            path=path,
            hint="fetch the paper again with --refresh, or use --backend pymupdf",
        ) from err
    return files


def _main_file(files: dict[str, str], path: Path) -> str:
    mains = [
        n
        for n, t in files.items()
        if n.endswith(".tex") and "\\begin{document}" in _COMMENT.sub("", t)
    ]
    if not mains:
        raise ParseError(
            f"no main .tex file (with \\begin{{document}}) in {path}",
            path=path,
            hint="use --backend pymupdf to parse the PDF instead",
        )
    return max(mains, key=lambda n: len(files[n]))


def _inline(text: str, files: dict[str, str], depth: int = 0) -> str:
    text = "\n".join(_COMMENT.sub("", line) for line in text.split("\n"))
    if depth > 5:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        for candidate in (name, f"{name}.tex"):
            for stored in files:
                if stored == candidate or stored.endswith("/" + candidate):
                    return _inline(files[stored], files, depth + 1)
        return ""

    return _INPUT.sub(replace, text)


def _braced(text: str, start: int) -> tuple[str, int]:
    """The content of the brace group opening at ``text[start - 1] == '{'``, and its end."""
    depth, i = 1, start
    while i < len(text) and depth:
        if text[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start : i - 1], i


def _macros(text: str) -> dict[str, str]:
    macros: dict[str, str] = {}
    for pattern in (_NEWCOMMAND, _DEF):
        for match in pattern.finditer(text):
            after = text[match.end() :]
            if pattern is _NEWCOMMAND and re.match(r"\s*\[", text[match.end() - 2 : match.end()]):
                continue
            body, _ = _braced(text, match.end())
            if "#" not in body and len(body) < 200 and not after.startswith("["):
                macros[match.group(1)] = body
    return macros


def _expand(text: str, macros: dict[str, str]) -> str:
    if not macros:
        return text
    pattern = re.compile(
        r"\\("
        + "|".join(sorted(map(re.escape, macros), key=len, reverse=True))
        + r")(?![A-Za-z])(\{\})?\s?"
    )
    for _ in range(4):
        new = pattern.sub(
            lambda m: macros[m.group(1)] + (" " if m.group(0).endswith(" ") else ""), text
        )
        if new == text:
            break
        text = new
    return text


def _unstyle(text: str) -> str:
    while (match := _STYLE.search(text)) is not None:
        inner, end = _braced(text, match.end())
        text = text[: match.start()] + inner + text[end:]
    return text


def _clean(text: str, numbers: dict[str, int]) -> str:
    """LaTeX prose -> readable text; math between ``$`` keeps its LaTeX (``|\\eta| < 2.47``)."""
    text = _CITE.sub(
        lambda m: (
            "["
            + ", ".join(str(numbers.get(k.strip(), k.strip())) for k in m.group(1).split(","))
            + "]"
        ),
        text,
    )
    text = _DROP.sub("", _unstyle(text))
    text = re.sub(r"\\(?:ref|eqref|autoref|cref)\s*\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\$\$?|\\\(|\\\)", "", text)
    text = re.sub(r"([_^])\{([\w+\-*]{1,6})\}", r"\1\2", text)  # p_{T} -> p_T, fb^{-1} -> fb^-1
    text = text.replace("~", " ").replace("``", '"').replace("''", '"').replace("\\%", "%")
    text = re.sub(r"\\([&#_$])", r"\1", text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    return normalize_text(" ".join(text.split()))


def _bibliography(body: str, files: dict[str, str]) -> list[tuple[str, str]]:
    source = (
        body
        if "\\bibitem" in body
        else "\n".join(t for n, t in files.items() if n.endswith(".bbl"))
    )
    items = list(_BIBITEM.finditer(source))
    out = []
    for i, match in enumerate(items):
        end = items[i + 1].start() if i + 1 < len(items) else len(source)
        chunk = source[match.end() : end].split("\\end{thebibliography}")[0]
        out.append((match.group(1).strip(), chunk))
    return out


def _footnotes(text: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    while (match := re.search(r"\\footnote\s*\{", text)) is not None:
        inner, end = _braced(text, match.end())
        notes.append(inner)
        text = text[: match.start()] + text[end:]
    return text, notes


def _blocks(body: str, numbers: dict[str, int]) -> list[tuple[BlockKind, str]]:
    """Ordered (kind, raw LaTeX) pieces of the document body."""
    pieces: list[tuple[BlockKind, str]] = []
    cursor = 0
    markers = sorted(
        [(m.start(), "section", m) for m in _SECTION.finditer(body)]
        + [(m.start(), "env", m) for m in _ENV.finditer(body)],
        key=lambda t: t[0],
    )
    for start, kind, match in markers:
        if start < cursor:
            continue
        pieces.extend(("paragraph", p) for p in re.split(r"\n\s*\n", body[cursor:start]))
        if kind == "section":
            title, cursor = _braced(body, match.end())
            pieces.append(("heading", title))
        else:
            cursor = match.end()
            env, inner = match.group(1).rstrip("*"), match.group(2)
            if env in ("figure", "table"):
                caption = re.search(r"\\caption\s*(?:\[[^\]]*\])?\s*\{", inner)
                if caption:
                    pieces.append(("caption", _braced(inner, caption.end())[0]))
            elif env == "abstract":
                pieces.append(("abstract", inner))
            elif env != "thebibliography":
                pieces.append(("equation", inner))
    pieces.extend(("paragraph", p) for p in re.split(r"\n\s*\n", body[cursor:]))
    return pieces


def _page_words(pdf: Path | None) -> tuple[list[str], list[Page]]:
    """Each PDF page's text as lower-case words (for mapping source blocks), and page sizes."""
    if pdf is None or not pdf.is_file():
        return [], []
    import pymupdf

    try:
        with pymupdf.open(pdf) as doc:
            pages = [(page.get_text(), page.rect) for page in doc]
    except Exception:  # no usable PDF: blocks simply stay on page 1
        return [], []
    words = [
        " ".join(re.findall(r"[a-z]{3,}", normalize_text(re.sub(r"-\n", "", t)).lower()))
        for t, _ in pages
    ]
    sizes = [
        Page(number=i, width=round(r.width, 2), height=round(r.height, 2))
        for i, (_, r) in enumerate(pages, 1)
    ]
    return words, sizes


def _locate(text: str, pages: list[str], current: int) -> int:
    words = [w for w in re.findall(r"(?<![\\\w])[A-Za-z]{3,}(?![\w{])", text)]
    words = [w.lower() for w in words]
    for offset in (0, len(words) // 2):
        window = " ".join(words[offset : offset + 6])
        if len(window) < 20:
            continue
        for number in list(range(current, len(pages) + 1)) + list(range(1, current)):
            if window in pages[number - 1]:
                return number
    return current


def _numbering(level: str, counters: list[int], appendix: bool) -> str:
    depth = {"section": 0, "subsection": 1, "subsubsection": 2}.get(level, 0)
    counters[depth] += 1
    for i in range(depth + 1, len(counters)):
        counters[i] = 0
    first = chr(ord("A") + counters[0] - 1) if appendix else str(counters[0])
    return ".".join([first, *(str(c) for c in counters[1 : depth + 1])])


_TABULAR = re.compile(
    r"\\begin\{tabular\*?\}(?:\{[^}]*\})?\{(?:[^{}]|\{[^{}]*\})*\}(.*?)\\end\{tabular\*?\}", re.S
)
_MULTI = re.compile(r"\\multi(?:column|row)\{[^}]*\}\{[^}]*\}\{((?:[^{}]|\{[^{}]*\})*)\}")
_RULES = re.compile(
    r"\\(?:hline|toprule|midrule|bottomrule|cline\{[^}]*\}|cmidrule(?:\([^)]*\))?\{[^}]*\})"
)


def _tables(body: str, numbers: dict[str, int], blocks: list[Any]) -> list[Table]:
    """Rows of every ``tabular`` inside a ``table`` environment, with its caption and page."""
    tables: list[Table] = []
    for match in _ENV.finditer(body):
        if not match.group(1).startswith("table"):
            continue
        inner = match.group(2)
        caption_match = re.search(r"\\caption\s*(?:\[[^\]]*\])?\s*\{", inner)
        caption = _clean(_braced(inner, caption_match.end())[0], numbers) if caption_match else None
        page = next((b.page for b in blocks if b.kind == "caption" and b.text == caption), 1)
        for tabular in _TABULAR.finditer(inner):
            rows = []
            for raw in re.split(r"\\\\(?:\[[^\]]*\])?", _RULES.sub("", tabular.group(1))):
                cells = [_clean(_MULTI.sub(r"\1", c), numbers) for c in raw.split("&")]
                if any(cells):
                    rows.append(cells)
            tables.append(Table(id=f"t{len(tables) + 1}", page=page, caption=caption, rows=rows))
    return tables


def parse_latex(source: Path, paper_id: str, sha256: str, pdf: Path | None = None) -> Document:
    files = _read_archive(source)
    full = _inline(files[_main_file(files, source)], files)
    macros = _macros(full.split("\\begin{document}")[0])
    body = _expand(full.split("\\begin{document}", 1)[1].split("\\end{document}")[0], macros)
    bib = _bibliography(body, files)
    numbers = {label: i for i, (label, _) in enumerate(bib, 1)}
    title_match = re.search(r"\\title\s*(?:\[[^\]]*\])?\s*\{", full)
    title = (
        _clean(_expand(_braced(full, title_match.end())[0], macros), numbers)
        if title_match
        else None
    )
    words, pages = _page_words(pdf)
    builder = TextBuilder()
    if title:
        builder.add("title", title, 1)
    page = _write_body(builder, body, numbers, words)
    references = []
    if bib:
        builder.add("heading", "References", page)
        for key, chunk in bib:
            entry = reference_from_text(str(numbers[key]), _clean(chunk, numbers))
            block = builder.add("reference", f"[{entry.key}] {entry.text}", page, joiner="\n")
            references.append(entry.model_copy(update={"page": block.page}))
    abstract = next((b.text for b in builder.blocks if b.kind == "abstract"), None)
    return Document(
        source=SourceInfo(
            paper_id=paper_id, path=str(source), sha256=sha256, backend="latex", kind="latex"
        ),
        title=title,
        abstract=abstract,
        pages=pages,
        text=builder.text,
        tables=_tables(body, numbers, builder.blocks),
        blocks=builder.blocks,
        sections=build_sections(builder.blocks, builder.length),
        references=references,
        citations=find_citations(builder.text, builder.blocks, references),
        warnings=[] if pages else ["no PDF beside the source: every block is on page 1"],
    )


def _write_body(builder: TextBuilder, body: str, numbers: dict[str, int], words: list[str]) -> int:
    """Add the body's blocks (numbered headings, footnotes after their paragraph); the last page."""
    page, counters, appendix = 1, [0, 0, 0], False
    levels = iter(m.group(1) for m in _SECTION.finditer(body))
    for kind, raw in _blocks(body, numbers):
        if "\\appendix" in raw:
            appendix, counters = True, [0, 0, 0]
        raw, notes = _footnotes(raw)
        if kind == "heading":
            level = next(levels, "section")
            if level == "paragraph":
                kind = "paragraph"
            else:
                raw = f"{_numbering(level, counters, appendix)} {raw}"
        text = _clean(raw, numbers)
        if not text or (kind == "paragraph" and re.fullmatch(r"[\W\d]*", text)):
            continue
        page = _locate(text, words, page) if words and kind != "heading" else page
        builder.add(kind, text if kind != "equation" else " ".join(raw.split()), page)
        for note in notes:
            builder.add("footnote", _clean(note, numbers), page)
    return page
