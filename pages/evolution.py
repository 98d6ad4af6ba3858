"""Deep-link shim for /evolution — see pages/README.md. The page itself is pages/content/evolution.py."""
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "dashboard.py"), run_name="__main__")
