"""Generate a larger corpus for benchmarking by recombining the real structure of the seeds.

    python bench/make_corpus.py OUT_DIR N [--seed S]
    python bench/make_corpus.py --cached N [--seed S]    # into bench/out/corpus/ (reused when unchanged)

Each generated document = a varied title (and, for most, a 印发通知 wrapper with issuer, 文号 and
date) + a short preamble + a random, reordered subset of the top-level sections (一、二、… with their
（一）/1. sub-items) cut from the normalised seed texts — about a third of them recombined one level
down (one section's heading over （一）-items sampled from anywhere) — renumbered, with the quantities in targets
(达到3500件, 30%, 500万元) and goal years (到2022年) varied. Most files are UTF-8; some are GB18030,
some UTF-8 with a BOM. Sizes are drawn between 5 and 30 KB. Same (n_docs, seed) → same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after any code snapshot a benchmark put first (bench/common.py)

try:  # the layout since session 6; a commit before it (bench --code) has the stages directly under lib/
    from lib.pipeline.normalize import normalize
    from lib.pipeline.structure import CLOSING, match_marker
except ImportError:
    from lib.normalize import normalize  # type: ignore[no-redef]
    from lib.structure import CLOSING, match_marker  # type: ignore[no-redef]

SEEDS_DIR = ROOT / "seeds"
CACHE_DIR = ROOT / "bench" / "out" / "corpus"  # git-ignored
STAMP = ".corpus.json"  # hidden: the build skips dot files
MIN_BYTES, MAX_BYTES = 5_000, 30_000
CN_ORDINALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()
DISTRICTS = (
    "滨海新区",
    "和平区",
    "河东区",
    "河西区",
    "南开区",
    "河北区",
    "红桥区",
    "东丽区",
    "西青区",
    "津南区",
    "北辰区",
    "武清区",
    "宝坻区",
    "宁河区",
    "静海区",
    "蓟州区",
)
TOPICS = (
    "科技创新三年行动计划",
    "推动科技成果转化",
    "技术创新中心建设",
    "高新技术企业培育",
    "科技型中小企业梯度培育",
    "推动科技创新和产业创新深度融合",
    "创新平台体系建设",
    "科技人才引育",
    "京津冀协同创新",
    "科技金融深度融合",
    "制造业创新能力提升",
    "建设更高水平创新型城市",
)
DOC_KINDS = ("实施方案", "实施方案", "工作方案", "行动方案")
MUNICIPAL_ISSUERS = (("天津市人民政府", "津政发"), ("天津市人民政府办公厅", "津政办发"), ("天津市科学技术局", "津科规"))
UNIT = r"(?:万亿元|亿元|万元|元|万家|万人|万件|万项|万个|个百分点|%|件|家|个|项|名|场|所|座|条|人|位|倍|次|台|套)"
QUANTITY = re.compile(rf"(?<![\d.〔])(\d+(?:\.\d+)?)(?=余?{UNIT})")
GOAL_YEAR = re.compile(r"(?<=[到至])(20\d{2})(?=年)")


@cache
def seed_sections(seeds_dir: Path = SEEDS_DIR) -> tuple[tuple[str, ...], ...]:
    """Top-level 一、 sections of every seed, each a tuple of lines (its own first line first).

    Preamble before the first 一、, 第X章 lines with their chapter intros, and everything from a closing
    line (感谢您…, a signature date, 特此通知) on are left out.
    """
    sections: list[tuple[str, ...]] = []
    for path in sorted(p for p in seeds_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
        text = normalize(path.read_bytes()).text
        current: list[str] | None = None
        started = False
        for raw in text.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if started and CLOSING.match(line):  # a date in the wrapper notice is not the end
                break
            found = match_marker(line)
            if found and found[0] == "chapter":
                current = None  # drop the chapter line and its intro paragraphs
                continue
            if found and found[0] == "cn_item":
                started = True
                current = [line]
                sections.append(current)  # type: ignore[arg-type]
                continue
            if current is not None:
                current.append(line)
    return tuple(tuple(s) for s in sections)


def _vary_numbers(text: str, rng: random.Random, year_end: int) -> str:
    def number(m: re.Match[str]) -> str:
        old = m.group(1)
        factor = rng.uniform(0.5, 2.0)
        if "." in old:
            decimals = len(old.split(".", 1)[1])
            return f"{max(float(old) * factor, 0.1):.{decimals}f}"
        value = max(1, round(int(old) * factor))
        if text[m.end() : m.end() + 1] == "%" and int(old) <= 100:
            value = min(value, 100)
        return str(value)

    text = QUANTITY.sub(number, text)
    return GOAL_YEAR.sub(lambda m: str(rng.choice((year_end, year_end, year_end - 1))), text)


def _renumber(section: tuple[str, ...] | list[str], ordinal: int) -> list[str]:
    first = re.sub(r"^[一二三四五六七八九十百零〇]+、", f"{CN_ORDINALS[ordinal]}、", section[0])
    return [first, *section[1:]]


@cache
def seed_subsections(seeds_dir: Path = SEEDS_DIR) -> tuple[tuple[str, ...], ...]:
    """Every （一）-level item of every seed section, each a tuple of lines (its own first line first)."""
    subsections: list[tuple[str, ...]] = []
    for section in seed_sections(seeds_dir):
        current: list[str] | None = None
        for line in section[1:]:
            found = match_marker(line)
            if found and found[0] == "paren_cn":
                if current:
                    subsections.append(tuple(current))
                current = [line]
            elif current is not None:
                current.append(line)
        if current:
            subsections.append(tuple(current))
    return tuple(subsections)


def _composite_section(rng: random.Random, pool, subpool) -> list[str]:
    """A section recombined one level down: the heading (and intro) of one seed section, then 2–5
    （一）-level items sampled from anywhere, renumbered （一）（二）…."""
    host = rng.choice(pool)
    intro = [host[0]]
    for line in host[1:]:
        if match_marker(line):
            break
        intro.append(line)
    lines = list(intro)
    for n, item in enumerate(rng.sample(subpool, rng.randint(2, 5))):
        lines.append(re.sub(r"^（[一二三四五六七八九十]+）", f"（{CN_ORDINALS[n]}）", item[0]))
        lines.extend(item[1:])
    return lines


def _size(lines: list[str]) -> int:
    return len("\n\n".join(lines).encode("utf-8"))


def make_document(rng: random.Random, pool: tuple[tuple[str, ...], ...], subpool: tuple[tuple[str, ...], ...]) -> str:
    """One document as text (not yet encoded)."""
    district = rng.choice(DISTRICTS) if rng.random() < 0.6 else None
    year_start = rng.randint(2018, 2026)
    year_end = year_start + rng.choice((2, 2, 3, 4))
    topic, kind = rng.choice(TOPICS), rng.choice(DOC_KINDS)
    title = f"天津市{district or ''}{topic}{kind}（{year_start}—{year_end}年）"
    if district:
        issuer = f"天津市{district}人民政府"
        prefix = "津滨政发" if district == "滨海新区" else f"{district.removesuffix('区')}政发"
    else:
        issuer, prefix = rng.choice(MUNICIPAL_ISSUERS)
    issue_year = year_start if rng.random() < 0.7 else year_start - 1
    issued = f"{issue_year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"

    head: list[str] = []
    if rng.random() < 0.7:  # a 印发通知 wrapper, as the government sites publish it
        head += [
            f"{issuer}关于印发{title.removeprefix('天津市')}的通知",
            f"{prefix}〔{issue_year}〕{rng.randint(1, 60)}号",
            "各镇人民政府、街道办事处，各委、办、局：" if district else "各区人民政府，市政府各委、办、局：",
            f"现将《{title.removeprefix('天津市')}》印发给你们，请认真贯彻执行。",
            issuer,
            issued,
        ]
    head += [
        title,
        f"为深入实施创新驱动发展战略，加快{topic.removeprefix('推动')}，结合{district or '我市'}实际，制定本方案。",
    ]

    target = rng.randint(MIN_BYTES, MAX_BYTES)
    body: list[str] = []
    order = list(range(len(pool)))
    rng.shuffle(order)  # a random subset in a random order
    for index in order:
        if len(body) >= len(CN_ORDINALS):
            break
        # About a third of the sections are recombined at the （一） level, the rest are taken whole.
        chosen = _composite_section(rng, pool, subpool) if rng.random() < 0.35 else pool[index]
        section = _renumber(chosen, len(body))
        section = [_vary_numbers(line, rng, year_end) for line in section]
        candidate = [*head, *(line for s in body for line in s), *section]
        if _size(candidate) > MAX_BYTES:
            continue
        body.append(section)
        if _size(candidate) >= target:
            break
    lines = [*head, *(line for s in body for line in s)]
    if rng.random() < 0.3:
        lines.append(issued)  # a signature date at the end
    return "\n\n".join(lines) + "\n"


def encode(text: str, rng: random.Random) -> bytes:
    """Mostly UTF-8; about 15 % GB18030 and 10 % UTF-8 with a BOM."""
    r = rng.random()
    if r < 0.15:
        return text.encode("gb18030", errors="replace")
    if r < 0.25:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def make_corpus(out_dir: Path, n_docs: int, seed: int = 0) -> list[Path]:
    """Write gen_00001.txt … gen_NNNNN.txt into out_dir; return their paths, in order."""
    rng = random.Random(seed)
    pool, subpool = seed_sections(), seed_subsections()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, n_docs + 1):
        path = out_dir / f"gen_{n:05d}.txt"
        path.write_bytes(encode(make_document(rng, pool, subpool), rng))
        paths.append(path)
    return paths


def generator_fingerprint(seeds_dir: Path = SEEDS_DIR) -> str:
    """What the generated bytes depend on: this script, the seeds and the two lib stages it uses."""
    digest = hashlib.sha256()
    stages = [
        Path(sys.modules[name].__file__) for name in (normalize.__module__, match_marker.__module__)
    ]  # as imported
    for path in [
        Path(__file__).resolve(),
        *stages,
        *sorted(p for p in seeds_dir.iterdir() if p.is_file() and not p.name.startswith(".")),
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cached_corpus(n_docs: int, seed: int = 0, cache_dir: Path = CACHE_DIR) -> tuple[Path, float | None]:
    """The corpus of (n_docs, seed) under cache_dir, generated only when absent or made by another
    generator → (folder, generation seconds, or None when reused)."""
    out_dir = cache_dir / f"n{n_docs}_s{seed}"
    stamp = {"n_docs": n_docs, "seed": seed, "generator": generator_fingerprint()}
    try:
        if json.loads((out_dir / STAMP).read_text(encoding="utf-8")) == stamp:
            return out_dir, None
    except (OSError, ValueError):
        pass
    shutil.rmtree(out_dir, ignore_errors=True)
    started = time.perf_counter()
    make_corpus(out_dir, n_docs, seed)
    elapsed = time.perf_counter() - started
    (out_dir / STAMP).write_text(json.dumps(stamp), encoding="utf-8")  # written last: a complete corpus
    return out_dir, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a benchmark corpus from the seeds' structure.")
    parser.add_argument("out_dir", type=Path, nargs="?", help="where to write (omit with --cached)")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cached", action="store_true", help=f"write into {CACHE_DIR.relative_to(ROOT)}/, reuse if there"
    )
    args = parser.parse_args(argv)
    if args.cached:
        out_dir, elapsed = cached_corpus(args.n, args.seed)
        paths = sorted(out_dir.glob("gen_*.txt"))
    else:
        if args.out_dir is None:
            parser.error("OUT_DIR is required without --cached")
        started = time.perf_counter()
        out_dir, paths = args.out_dir, make_corpus(args.out_dir, args.n, args.seed)
        elapsed = time.perf_counter() - started
    total = sum(p.stat().st_size for p in paths)
    how = "reused" if elapsed is None else f"wrote in {elapsed:.1f} s"
    print(f"{how}: {len(paths)} documents ({total / 1e6:.1f} MB) in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
