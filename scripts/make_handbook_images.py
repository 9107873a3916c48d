"""Make the handbook's screenshots again (``src/kuemmerer/handbook/bilder/``).

A fresh demo database (``kuemmerer-cli demo --years 2``) in a temporary folder
(``Kuemmerer-Handbuch`` in the system's temp folder, emptied before and removed after), the window's
screenshots mode on it (offscreen, her 1366×768 screen), and the pictures the handbook shows,
scaled to at most 900 px wide (256 colours). Nothing outside the temporary folder is touched: settings,
log and data folders point into it as well.

    .venv/bin/python scripts/make_handbook_images.py [--keep ORDNER]

``--keep`` also leaves every screenshot of the run in ORDNER (to choose new ones).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "kuemmerer" / "handbook" / "bilder"
SCREEN = ROOT / "tests" / "data" / "screen-1366x768.json"
DEMO_PASSWORD = "Demo-Kuemmerer-2026"  # the demo database's (README, "Demodatenbank")
MAX_WIDTH = 900

# screenshot of the screenshots mode (its name without the number) → file in bilder/
CHOSEN = {
    "ersteinrichtung-passwort": "erster-start-passwort.png",
    "ersteinrichtung-notfallblatt": "erster-start-notfallblatt.png",
    "dialog-erster-start": "erster-start-willkommen.png",
    "einstellungen-stadtgebiete": "einstellungen-stadtgebiete.png",
    "heute": "heute.png",
    "dialog-sprechstunde": "sprechstunde.png",
    "personen-suche": "personen.png",
    "anliegen": "anliegen.png",
    "dialog-vermitteln": "vermitteln.png",
    "vermittlungen": "vermittlungen.png",
    "dialog-import": "import.png",
    "berichte-uebersicht": "berichte.png",
    "start-passwort": "start-passwort.png",
}


def run(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} … ist fehlgeschlagen:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def screenshots(folder: Path) -> dict[str, Path]:
    """Every screenshot of the screenshots mode on a fresh demo database, by name."""
    home = folder / "home"
    env = {**os.environ, "KUEMMERER_PASSWORD": DEMO_PASSWORD, "QT_QPA_PLATFORM": f"offscreen:configfile={SCREEN}",
           "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
           "XDG_STATE_HOME": str(home / "state"), "XDG_CACHE_HOME": str(home / "cache")}
    env.pop("KUEMMERER_DB", None)
    db = folder / "kuemmerer.sqlite"
    run([sys.executable, "-c", "import sys; from kuemmerer.cli import main; sys.exit(main(sys.argv[1:]))",
         "--db", str(db), "demo", "--years", "2"], env)
    shots = folder / "bilder"
    run([sys.executable, "-m", "kuemmerer", "--db", str(db), "--screenshots", str(shots)], env)
    return {p.stem.split("-", 1)[1]: p for p in sorted(shots.glob("*.png"))}


def scaled(source: Path, target: Path) -> None:
    with Image.open(source) as image:
        picture = image.convert("RGB")
    if picture.width > MAX_WIDTH:
        picture = picture.resize((MAX_WIDTH, round(picture.height * MAX_WIDTH / picture.width)),
                                 Image.Resampling.LANCZOS)
    # a palette of 256 colours: screenshots have few, and the handbook stays small (about half the bytes)
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(target, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, metavar="ORDNER", help="alle Bildschirmfotos des Laufs hier ablegen")
    args = parser.parse_args(argv)
    # a fixed folder name: the status bar of the window shows the database's path
    work = Path(tempfile.gettempdir()) / "Kuemmerer-Handbuch"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        found = screenshots(work)
        missing = sorted(set(CHOSEN) - set(found))
        if missing:
            sys.exit("Diese Bildschirmfotos macht der Screenshot-Modus nicht (mehr): " + ", ".join(missing))
        TARGET.mkdir(parents=True, exist_ok=True)
        for old in TARGET.glob("*.png"):
            if old.name not in CHOSEN.values():
                old.unlink()
        for name, file in CHOSEN.items():
            scaled(found[name], TARGET / file)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in found.values():
                (args.keep / path.name).write_bytes(path.read_bytes())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = 0
    for file in sorted(CHOSEN.values()):
        size = (TARGET / file).stat().st_size
        total += size
        with Image.open(TARGET / file) as image:
            print(f"{file:36} {image.width:4}×{image.height:<4} {size / 1024:7.1f} KB")
    print(f"{'zusammen':46} {total / 1024:7.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
