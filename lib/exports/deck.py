"""The briefing deck: a page's charts as PNG images on 16:9 PowerPoint slides (python-pptx).

Every text on a slide is at least MIN_PT on the slide: each chart is laid out at the size it is placed at
(1 px = 1 pt) with every font raised to MIN_PT, then rendered at IMAGE_DPI. Text boxes name a font Office
machines have (Microsoft YaHei) for Latin and East Asian text, with the GB2312 charset so that a machine
without it substitutes a Chinese face (PingFang SC, Noto Sans CJK SC …) rather than a Latin one; the theme's
font scheme names the same per script.

Images come from kaleido, which drives Debian's Chromium; one render server is started lazily on the
first image and reused for every later one (~3 s for the first PNG, ~0.3 s after).
"""

from __future__ import annotations

import io
import math
import re
import threading
import time
import warnings
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from lib.charts.base import SOURCE_LINE
from lib.exports.tables import BEIJING

CJK_FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows since Vista and in Office for Mac
CJK_FALLBACKS = ("PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei")  # macOS, Linux, this server
GB2312_CHARSET = "-122"  # a:ea charset: a substitute for a missing face must cover simplified Chinese
YAHEI_PANOSE = "020B0503020204020204"  # its PANOSE class, which font substitution matches on
# Charts name the same faces; headless Chromium takes the first one installed (no boxes for CJK).
CHART_FONT_FAMILY = ", ".join((CJK_FONT, *CJK_FALLBACKS, "sans-serif"))
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1600, 900, 2  # figure_png's defaults: 16:9, 3200×1800 px
MIN_PT = 12  # the smallest text on a slide, chart images included
IMAGE_DPI = 180  # chart images: 2.5 px per point, sharp on a projector and in print
# kaleido's own per-image timeout is 90 s; past this the render server is considered lost.
RENDER_TIMEOUT_S = 120.0


# ---------------------------------------------------------------- chart images (kaleido)

# plotly always passes kopts (its default headers) and kaleido's server warns it ignores them, per image.
warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server", category=UserWarning)

_RENDER_LOCK = threading.Lock()  # the server has one request and one reply queue: one caller at a time
_server_started = False


def _server_thread_alive() -> bool | None:
    """Whether kaleido's server thread (which owns the browser) still runs; None when unknowable."""
    try:
        from kaleido._sync_server import GlobalKaleidoServer

        thread = getattr(GlobalKaleidoServer(), "_thread", None)
    except Exception:  # noqa: BLE001 - private API of kaleido 1.x; absent elsewhere
        return None
    return None if thread is None else thread.is_alive()


def _ensure_render_server() -> None:
    """Start kaleido's sync server once per process; without that API, fig.to_image launches per image."""
    global _server_started
    if _server_started:
        return
    try:
        import kaleido

        start = kaleido.start_sync_server
    except (ImportError, AttributeError):
        _server_started = True  # fall back to fig.to_image's own browser per call
        return
    # mathjax=False: no LaTeX in our charts, and no CDN fetch from a machine that may be offline.
    start(mathjax=False, silence_warnings=True)
    _server_started = True


def _stop_render_server() -> None:
    global _server_started
    _server_started = False
    try:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # noqa: BLE001 - best effort; the next call starts a fresh server
        pass


def _raise_fonts(node: Any, minimum: float) -> None:
    """Every font size in a figure's dict raised to `minimum`, in place (fonts without a size inherit one)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("font", "textfont", "tickfont", "insidetextfont", "outsidetextfont") and isinstance(value, dict):
                if isinstance(value.get("size"), (int, float)) and value["size"] < minimum:
                    value["size"] = minimum
            _raise_fonts(value, minimum)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _raise_fonts(item, minimum)


MAP_TILE_PX = 512  # MapLibre's tile size: at zoom z the world is 512 × 2^z px wide


def fit_zoom(bounds: list, width_px: float, height_px: float, padding: float = 0.95) -> float:
    """The zoom at which [[west, south], [east, north]] fills a width_px × height_px map (Web Mercator)."""
    (west, south), (east, north) = bounds

    def mercator(lat: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    zoom_x = math.log2(width_px * padding * 360 / (MAP_TILE_PX * (east - west)))
    zoom_y = math.log2(height_px * padding * 360 / (MAP_TILE_PX * (mercator(north) - mercator(south))))
    return min(zoom_x, zoom_y)


def slide_figure(fig: go.Figure, width_pt: float, height_pt: float, minimum: float = MIN_PT) -> go.Figure:
    """A copy of fig laid out at the size it is placed at on a slide (1 px = 1 pt), every font at least `minimum`
    points there, without the dashboard's subtitle (the slide has its own title and filter line). Text inside
    marks (bars, treemap boxes) that would need less is hidden rather than shrunk."""
    spec = go.Figure(fig).to_dict()
    layout = spec.setdefault("layout", {})
    base = layout.setdefault("font", {})
    base["size"] = max(base.get("size") or 0, minimum + 2)
    _raise_fonts(spec, minimum)
    # A map's zoom is in screen pixels: at another size it would crop the districts or leave them small. A
    # figure that names what each map must show (layout.meta.map_bounds) is zoomed to fit it at the new size.
    drawn_height = layout.get("height") or 450
    wanted = (layout.get("meta") or {}).get("map_bounds", {}) if isinstance(layout.get("meta"), dict) else {}
    for key, value in layout.items():
        if key.startswith("map") and isinstance(value, dict) and isinstance(value.get("zoom"), (int, float)):
            if key in wanted:
                domain = value.get("domain") or {}
                x0, x1 = domain.get("x", [0, 1])
                y0, y1 = domain.get("y", [0, 1])
                value["zoom"] = fit_zoom(wanted[key], (x1 - x0) * (width_pt - 20), (y1 - y0) * (height_pt - 20))
            else:
                value["zoom"] += math.log2(height_pt / drawn_height)
    layout.update(
        title=None,
        width=round(width_pt),
        height=round(height_pt),
        autosize=False,
        uniformtext={"minsize": minimum, "mode": "hide"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    legend = layout.setdefault("legend", {})
    legend.setdefault("font", {})["size"] = max(legend.get("font", {}).get("size") or 0, minimum)
    return go.Figure(spec)


def with_cjk_font(fig: go.Figure) -> go.Figure:
    """A copy of fig with a CJK font family unless the figure or its template already names one."""
    copy = go.Figure(fig)
    template_font = copy.layout.template.layout.font.family if copy.layout.template else None
    if not copy.layout.font.family and not template_font:
        copy.update_layout(font_family=CHART_FONT_FAMILY)
    return copy


def figure_png(fig: go.Figure, *, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, scale: float = PNG_SCALE) -> bytes:
    """PNG bytes of a figure through one long-lived headless Chromium (kaleido's sync server).

    kaleido's server never reports a browser that failed to start or died: a request would wait forever.
    The request therefore runs in a helper thread and fails fast when the server thread is gone.
    """
    fig = with_cjk_font(fig)
    result: dict[str, Any] = {}

    def render() -> None:
        try:
            result["png"] = fig.to_image(format="png", scale=scale, width=width, height=height)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            result["error"] = exc

    with _RENDER_LOCK:
        _ensure_render_server()
        worker = threading.Thread(target=render, name="figure_png", daemon=True)
        worker.start()
        deadline = time.monotonic() + RENDER_TIMEOUT_S
        while worker.is_alive():
            worker.join(0.1)
            if worker.is_alive() and (_server_thread_alive() is False or time.monotonic() > deadline):
                _stop_render_server()
                raise RuntimeError(
                    "chart image export failed: kaleido's headless Chromium is not running "
                    "(not installed, or it exited); see the log for the browser error"
                )
    if "error" in result:
        raise result["error"]
    return result["png"]


# ---------------------------------------------------------------- pptx

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in, PowerPoint's 宽屏 16:9
EMU_PER_PT = 12700
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_H = Inches(0.3), Inches(0.8)
SUBTITLE_TOP, SUBTITLE_H = Inches(1.05), Inches(0.4)
PICTURE_TOP, PICTURE_BOTTOM = Inches(1.5), Inches(6.85)
FOOTER_TOP, FOOTER_H = Inches(6.95), Inches(0.35)
INK, GREY = RGBColor(0x1F, 0x2D, 0x3D), RGBColor(0x6B, 0x72, 0x80)
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # the default template's 标题幻灯片 and 仅标题


def _name_fonts(rpr: Any) -> None:
    """The CJK face for Latin, East Asian and complex scripts alike (python-pptx sets only Latin); the East
    Asian one carries the GB2312 charset and PANOSE class, so a substitute for it is a Chinese face."""
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:cs", "a:ea"):  # schema order: latin, ea, cs; inserted right after latin in reverse
        node = rpr.find(qn(tag))
        if node is None:
            node = rpr.makeelement(qn(tag), {})
            latin.addnext(node)
        node.set("typeface", CJK_FONT)
        node.set("panose", YAHEI_PANOSE)
        node.set("pitchFamily", "34")  # variable pitch, sans serif
        node.set("charset", GB2312_CHARSET)


def _style_run(run: Any, size: int, *, bold: bool = False, color: RGBColor = INK) -> None:
    """Size, weight, colour and the CJK face of one run."""
    font = run.font
    font.size, font.bold, font.name = Pt(max(size, MIN_PT)), bold, CJK_FONT
    font.color.rgb = color
    _name_fonts(run._r.get_or_add_rPr())


def _theme_fonts(prs: Any) -> None:
    """The theme's headings and body fonts: the CJK face for East Asian text and for the simplified Chinese
    script (the default theme says 宋体 and Calibri), so text typed into the deck later matches."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'<a:ea typeface="[^"]*"/>', f'<a:ea typeface="{CJK_FONT}"/>', xml)
    xml = re.sub(r'<a:font script="Hans" typeface="[^"]*"/>', f'<a:font script="Hans" typeface="{CJK_FONT}"/>', xml)
    theme._blob = xml.encode("utf-8")


def _fill(
    text_frame: Any,
    lines: list[str],
    size: int,
    *,
    bold: bool = False,
    color: RGBColor = INK,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    text_frame.clear()
    text_frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        _style_run(run, size, bold=bold, color=color)


def _place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _textbox(
    slide: Any,
    top: int,
    height: int,
    lines: list[str],
    size: int,
    *,
    color: RGBColor = GREY,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    left: int = MARGIN,
    width: int | None = None,
) -> Any:
    box = slide.shapes.add_textbox(left, top, width or SLIDE_W - 2 * MARGIN, height)
    _fill(box.text_frame, lines, size, color=color, align=align)
    return box


def _footer(slide: Any, source_line: str, page: int, pages: int) -> None:
    number_w = Inches(1.2)
    _textbox(slide, FOOTER_TOP, FOOTER_H, [source_line], MIN_PT, width=SLIDE_W - 2 * MARGIN - number_w)
    _textbox(
        slide,
        FOOTER_TOP,
        FOOTER_H,
        [f"{page} / {pages}"],
        MIN_PT,
        align=PP_ALIGN.RIGHT,
        left=SLIDE_W - MARGIN - number_w,
        width=number_w,
    )


def briefing_date_text(now: datetime) -> str:
    day = now.astimezone(BEIJING)
    return f"{day.year}年{day.month}月{day.day}日"


def deck_pptx(
    slides: list[tuple[str, go.Figure]],
    filters_text: str,
    source_line: str = SOURCE_LINE,
    *,
    now: datetime | None = None,
) -> bytes:
    """16:9 briefing deck: a title slide, then one slide per (title, figure) with the chart as a PNG laid out at
    its placed size (text ≥ MIN_PT on the slide) and rendered at IMAGE_DPI."""
    now = now or datetime.now(UTC)
    filters_line = f"筛选条件：{filters_text.strip() or '未筛选（全部数据）'}"
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.part._element.sldSz.attrib.pop("type", None)  # the template says "screen4x3"; absent means custom
    pages = 1 + len(slides)
    _theme_fonts(prs)

    cover = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title, subtitle = cover.shapes.title, cover.placeholders[1]
    _place(title, MARGIN, Inches(2.2), SLIDE_W - 2 * MARGIN, Inches(1.4))
    _fill(title.text_frame, ["天津科技政策简报"], 44, bold=True, align=PP_ALIGN.CENTER)
    _place(subtitle, MARGIN, Inches(3.8), SLIDE_W - 2 * MARGIN, Inches(1.4))
    _fill(subtitle.text_frame, [briefing_date_text(now), filters_line], 20, color=GREY, align=PP_ALIGN.CENTER)
    _footer(cover, source_line, 1, pages)

    box_w, box_h = SLIDE_W - 2 * MARGIN, PICTURE_BOTTOM - PICTURE_TOP
    for page, (slide_title, fig) in enumerate(slides, start=2):
        # Laid out at the placed size in points, rendered at IMAGE_DPI: a 12-point font is 12 points on the slide.
        width_pt, height_pt = round(box_w / EMU_PER_PT), round(box_h / EMU_PER_PT)
        png = figure_png(slide_figure(fig, width_pt, height_pt), width=width_pt, height=height_pt, scale=IMAGE_DPI / 72)
        slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        title = slide.shapes.title
        _place(title, MARGIN, TITLE_TOP, SLIDE_W - 2 * MARGIN, TITLE_H)
        title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _fill(title.text_frame, [slide_title], 28, bold=True)
        _textbox(slide, SUBTITLE_TOP, SUBTITLE_H, [filters_line], 14)
        picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, PICTURE_TOP, width=box_w, height=box_h)
        picture.name = f"图表：{slide_title}"
        picture._element.nvPicPr.cNvPr.set("descr", slide_title)  # alt text instead of "image.png"
        _footer(slide, source_line, page, pages)

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
