"""`python -m lib.build [--seeds DIR] [--out DIR] [--no-manifest] [--if-stale] [--full] [--add FILE...]`.

Exit status: 0 all built, 3 some inputs rejected (the rest built), 1 internal failure (the message names it).
`--add` checks, stores and builds through lib/importer.py, the one module above the build."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from lib.build.fingerprint import is_stale
from lib.build.lock import build_lock
from lib.build.output import failure_cause
from lib.build.run import build
from lib.config import BUILD_DIR, DOCUMENTS_YAML, SEEDS_DIR

EXIT_OK, EXIT_INTERNAL, EXIT_REJECTED = 0, 1, 3


def add_files(paths: list[Path], seed_dir: Path, out_dir: Path, manifest: Path = DOCUMENTS_YAML) -> int:
    """`--add`: every file is checked like an upload; good ones are stored, then one rebuild."""
    from lib import importer

    previews, rejected = [], 0
    for path in paths:
        try:
            previews.append(importer.preview(path.name, path.read_bytes(), seed_dir, out_dir))
        except (importer.ImportRejected, OSError) as exc:
            rejected += 1
            print(
                f"[rejected] {exc if isinstance(exc, importer.ImportRejected) else f'{path}：无法读取（{exc.strerror}）'}",
                file=sys.stderr,
            )
    if previews:
        try:
            with build_lock(out_dir):
                names, report = importer.add([(p, {}) for p in previews], seed_dir, out_dir, manifest)
        except importer.ImportFailed as exc:
            print(f"{exc}；详情：{exc.__cause__}", file=sys.stderr)
            return EXIT_INTERNAL
        for name, item in zip(names, previews):
            print(f"added {name}: {len(item.result.measures)} measures, {len(item.result.targets)} targets")
        print(f"rebuilt: {report['counts']['documents']} documents, {report['counts']['measures']} measures")
    return EXIT_REJECTED if rejected else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.build", description="Build the policy tables from seeds/.")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="folder of input documents (default seeds/)")
    parser.add_argument("--out", type=Path, default=BUILD_DIR, help="output folder (default data/build/)")
    parser.add_argument(
        "--manifest", type=Path, default=DOCUMENTS_YAML, help="curator overrides (default data/documents.yaml)"
    )
    parser.add_argument("--no-manifest", action="store_true", help="ignore the curator overrides")
    parser.add_argument("--if-stale", action="store_true", help="build only when inputs, data or code changed")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per core)"
    )
    parser.add_argument("--full", action="store_true", help="reprocess every document (ignore the previous build)")
    parser.add_argument("--add", nargs="+", type=Path, metavar="FILE", help="check, store under seeds/ and build")
    args = parser.parse_args(argv)
    if args.add:
        return add_files(args.add, args.seeds, args.out, args.manifest)
    started = time.perf_counter()
    use_manifest = not args.no_manifest
    if args.if_stale and not is_stale(args.seeds, args.out, use_manifest, args.manifest):
        print(f"tables in {args.out} are up to date")
        return EXIT_OK
    try:
        with build_lock(args.out):
            report = build(
                args.seeds,
                args.out,
                use_manifest=use_manifest,
                progress=sys.stderr.isatty(),
                manifest_path=args.manifest,
                workers=args.workers,
                full=args.full,
            )
    except Exception as exc:  # the one place an unexpected failure becomes exit status 1
        print(
            f"构建失败：{failure_cause(exc)}；数据表保持上一次构建的状态。详情：{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    rejected = [i for i in report["inputs"] if i["status"] == "rejected"]
    # What this build found; warnings of unchanged documents were printed when they were processed.
    for item in report["inputs"]:
        if item["status"] == "rejected" or (item["status"] == "warning" and not item.get("cached")):
            print(f"[{item['status']}] {item['source_file']}: {'；'.join(item['messages'])}", file=sys.stderr)
    earlier = sum(1 for i in report["inputs"] if i["status"] == "warning" and i.get("cached"))
    if earlier:
        print(f"{earlier} unchanged documents keep their earlier warnings (build_report.json)", file=sys.stderr)
    counts = report["counts"]
    print(
        f"built {counts['documents']} documents, {counts['measures']} measures, {counts['targets']} targets, "
        f"{counts['agencies']} agencies into {args.out} in {time.perf_counter() - started:.2f} s"
        + (f"; {len(rejected)} rejected" if rejected else "")
    )
    return EXIT_REJECTED if rejected else EXIT_OK
