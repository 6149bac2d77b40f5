"""Sample feeds bundled with the bot so it shows real alerts offline with no config.

The files are real-world feed documents (RSS 2.0, Atom 1.0, RDF/RSS 1.0) built from
published article text; they ship as package data and are read via importlib.resources.
"""

from __future__ import annotations

import pathlib
from importlib import resources

# (display name, file name) in the order the bot should poll them.
SAMPLES: tuple[tuple[str, str], ...] = (
    ("TechCrunch (sample, RSS 2.0, en)", "techcrunch_en.rss.xml"),
    ("FrenchWeb (sample, Atom 1.0, fr)", "frenchweb_fr.atom.xml"),
    ("heise online (sample, RDF/RSS 1.0, de)", "heise_de.rdf.xml"),
    ("La Información (sample, RSS 2.0, es)", "lainformacion_es.rss.xml"),
    ("@kenrickcai on X (sample, RSS bridge)", "x_kenrickcai.rss.xml"),
)


def sample_paths() -> list[tuple[str, pathlib.Path]]:
    """Return (display name, filesystem path) for each bundled sample feed."""
    root = resources.files(__name__)
    out: list[tuple[str, pathlib.Path]] = []
    for display, filename in SAMPLES:
        # Installed normally (wheel / editable) the package lives on disk, so the
        # Traversable is a real path; zipimport installs are not supported here.
        out.append((display, pathlib.Path(str(root.joinpath(filename)))))
    return out
