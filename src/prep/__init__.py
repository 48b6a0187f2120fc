"""prep: study for ML, Python and algorithms interviews in the terminal."""

__version__ = "0.1.0"
