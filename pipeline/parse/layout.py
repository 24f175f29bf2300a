"""Page layout from PyMuPDF's span stream: visual lines with scripts, then paragraphs.

PyMuPDF splits a line wherever TeX raises or lowers a glyph (``E`` / ``miss`` / ``T``
land in different lines, often in different blocks). We rebuild visual lines by
baseline, mark smaller raised/lowered spans as super/subscripts (written ``^x`` /
``_x``), and regroup lines into paragraphs by geometry and font.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.parse.normalize import attach_accents, normalize_chars

Span = dict[str, Any]
_SCRIPT_GAP = re.compile(r"(\w) ([\^_])(?=\S)")


@dataclass
class VisualLine:
    spans: list[Span]
    bbox: list[float]
    block: int
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> float:
        if "size" not in self._cache:
            self._cache["size"] = self._size()
        return self._cache["size"]  # type: ignore[no-any-return]

    @property
    def baseline(self) -> float:
        if "baseline" not in self._cache:
            self._cache["baseline"] = self._baseline()
        return self._cache["baseline"]  # type: ignore[no-any-return]

    def _size(self) -> float:
        """The body size of the line: the largest size carrying a real share of the text."""
        weights: Counter[float] = Counter()
        for span in self.spans:
            weights[round(span["size"], 1)] += len(span["text"].strip())
        total = sum(weights.values())
        for size in sorted(weights, reverse=True):
            if weights[size] >= 2 or weights[size] >= 0.2 * total:
                return size
        return max(weights, default=0.0)

    def _baseline(self) -> float:
        size = self.size
        ys = [
            s["origin"][1] for s in self.spans if round(s["size"], 1) == size and s["text"].strip()
        ]
        return Counter(round(y, 1) for y in ys).most_common(1)[0][0] if ys else self.bbox[3]

    @property
    def bold(self) -> bool:
        size = self.size
        texts = [s for s in self.spans if s["text"].strip() and round(s["size"], 1) >= size - 0.5]
        return bool(texts) and all(_is_bold(s) for s in texts)

    def accepts(self, span_line: dict[str, Any]) -> bool:
        """Does a PyMuPDF line belong to this visual line (same baseline, to its right)?

        Scripts (smaller glyphs) may sit above or below and overlap the previous glyph;
        full-size text must share the baseline and continue to the right, allowing the
        wide gaps of justified text.
        """
        x0, y0, x1, y1 = span_line["bbox"]
        size = self.size or 10.0
        base = self.baseline
        spans = [s for s in span_line["spans"] if s["text"].strip()]
        if not spans:
            return False
        if max(s["size"] for s in spans) < 0.9 * size:
            overlaps = y0 < base + 0.35 * size and y1 > base - 0.9 * size
            return overlaps and self.bbox[0] - 1 <= x0 <= self.bbox[2] + 0.9 * size
        other = max(spans, key=lambda s: s["size"])["origin"][1]
        # a leading script (the T of p^μ_T) may start under the end of this line
        slack = 0.9 * size if spans[0]["size"] < 0.9 * size else 1.0
        return (
            abs(other - base) < 0.15 * size
            and self.bbox[2] - slack <= x0 <= self.bbox[2] + 2.5 * size
        )

    def add(self, span_line: dict[str, Any]) -> None:
        x0, y0, x1, y1 = span_line["bbox"]
        first = span_line["spans"][0]
        if x0 - self.bbox[2] > 0.12 * (self.size or 10) and first["size"] >= 0.9 * self.size:
            # justified text: PyMuPDF cut the line at a wide space it did not emit
            self.spans.append({**first, "text": " "})
        self.spans.extend(span_line["spans"])
        self._cache.clear()
        self.bbox = [
            min(self.bbox[0], x0),
            min(self.bbox[1], y0),
            max(self.bbox[2], x1),
            max(self.bbox[3], y1),
        ]

    def render(self) -> str:
        """The line's text with ``_sub`` / ``^sup`` marks, characters normalised."""
        if "text" not in self._cache:
            self._cache["text"] = self._render()
        return self._cache["text"]  # type: ignore[no-any-return]

    def _render(self) -> str:
        size, base = self.size or 10.0, self.baseline
        out: list[str] = []
        role = "base"
        for span in self.spans:
            text = normalize_chars(span["text"])
            new_role = _role(span, size, base)
            if new_role == "base" or not text.strip():
                if role != "base" and text[:1].isalnum():
                    out.append(" ")
                out.append(text)
                role = "base" if text.strip() else role
                continue
            mark = "^" if new_role == "sup" else "_"
            if role != new_role:
                out.append(mark)
            out.append(text.strip().replace(" ", ""))
            role = new_role
        # TeX often emits a space glyph between a symbol and its script: "W ^+" -> "W^+"
        return attach_accents(_SCRIPT_GAP.sub(r"\1\2", "".join(out)))


def _is_bold(span: Span) -> bool:
    font = span["font"].lower()
    return bool(span["flags"] & 16) or "bold" in font or "cmbx" in font or ".b" in font


def _role(span: Span, size: float, base: float) -> str:
    if span["size"] >= 0.9 * size:
        return "base"
    y = span["origin"][1]
    if y < base - 0.2 * size:
        return "sup"
    if y > base + 0.08 * size:
        return "sub"
    return "base"


@dataclass
class Paragraph:
    page: int
    lines: list[VisualLine] = field(default_factory=list)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs0, ys0, xs1, ys1 = zip(*(ln.bbox for ln in self.lines), strict=True)
        return (round(min(xs0), 2), round(min(ys0), 2), round(max(xs1), 2), round(max(ys1), 2))

    @property
    def size(self) -> float:
        sizes: Counter[float] = Counter()
        for line in self.lines:
            sizes[line.size] += sum(len(s["text"].strip()) for s in line.spans)
        return sizes.most_common(1)[0][0] if sizes else 0.0

    @property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)

    def texts(self) -> list[str]:
        return [line.render() for line in self.lines]


def visual_lines(page_dict: dict[str, Any]) -> list[VisualLine]:
    lines: list[VisualLine] = []
    for block in page_dict["blocks"]:
        if block.get("type") != 0:
            continue
        for raw in block["lines"]:
            if not any(s["text"].strip() for s in raw["spans"]):
                continue
            if abs(raw.get("dir", (1, 0))[1]) > 0.1:
                continue  # rotated text: arXiv side stamps, axis titles
            if lines and lines[-1].accepts(raw):
                lines[-1].add(raw)
            else:
                lines.append(VisualLine(list(raw["spans"]), list(raw["bbox"]), block["number"]))
    return lines


def _continues(para: Paragraph, line: VisualLine) -> bool:
    """Same paragraph: the next baseline, same column, same font, no first-line indent."""
    last = para.lines[-1]
    size = para.size or line.size
    step = line.baseline - last.baseline
    if not 0.8 * size < step < 1.7 * size or abs(line.size - size) > 0.6:
        return False
    if line.bold != para.bold:
        return False
    if para.bold:  # centred multi-line headings
        return line.bbox[0] < last.bbox[2] and line.bbox[2] > last.bbox[0]
    left = min(ln.bbox[0] for ln in para.lines)
    return left - 2 <= line.bbox[0] <= left + 0.35 * size


def paragraphs(page_dict: dict[str, Any], page_number: int) -> list[Paragraph]:
    out: list[Paragraph] = []
    for line in visual_lines(page_dict):
        if out and (line.block == out[-1].lines[-1].block or _continues(out[-1], line)):
            last = out[-1].lines[-1]
            # a new column or a jump down inside one PyMuPDF block still starts a paragraph
            step = line.baseline - last.baseline
            same_style = line.bold == last.bold  # a bold title line opens its own paragraph
            if 0 < step <= 1.9 * (line.size or 10) and line.bbox[0] < last.bbox[2] and same_style:
                out[-1].lines.append(line)
                continue
        out.append(Paragraph(page_number, [line]))
    return out
