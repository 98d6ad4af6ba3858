"""The build, the only writer of the tables: plan (what to reuse, what to process), run (documents through the
pipeline, in worker processes), cache and output (the private cache, atomic writes), and the CLI
(`python -m lib.build`, in cli.py)."""

from lib.build.cache import CACHE_DIR
from lib.build.cli import EXIT_INTERNAL, EXIT_OK, EXIT_REJECTED, main
from lib.build.fingerprint import code_fingerprint, input_hash, is_stale, pipeline_modules
from lib.build.output import MemorySink
from lib.build.plan import plan_build
from lib.build.run import build, build_tables, run_build, write_outputs

__all__ = [
    "CACHE_DIR",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_REJECTED",
    "MemorySink",
    "build",
    "build_tables",
    "code_fingerprint",
    "input_hash",
    "is_stale",
    "main",
    "pipeline_modules",
    "plan_build",
    "run_build",
    "write_outputs",
]
