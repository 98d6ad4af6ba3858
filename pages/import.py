"""Deep-link shim for /import — see pages/README.md. The page itself is pages/content/importer.py."""
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "dashboard.py"), run_name="__main__")
