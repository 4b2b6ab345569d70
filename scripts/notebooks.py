"""Run the notebooks in place (outputs saved) and write their HTML copies to docs/notebooks/.

    .venv/bin/python scripts/notebooks.py            # every notebook
    .venv/bin/python scripts/notebooks.py quickstart # one

Needs nbconvert (``bash scripts/setup.sh notebooks``). The notebooks are stored with
their outputs so that they read without running; ``tests/test_notebooks.py`` runs each
again and checks that the stored copy and its HTML are there and complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "docs" / "notebooks"


def render(path: Path) -> Path:
    """Run ``path`` in place and write its HTML copy; returns the HTML's path."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    for cell in nb.cells:  # no machine paths or timings in the stored copy
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, path)
    HTML.mkdir(parents=True, exist_ok=True)
    body, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    out = HTML / f"{path.stem}.html"
    out.write_text(body, encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    """Render the notebooks named in ``argv`` (all without names)."""
    names = argv[1:]
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        if names and path.stem not in names:
            continue
        print(f"running {path.name} ...", flush=True)
        print(f"  wrote {render(path).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
