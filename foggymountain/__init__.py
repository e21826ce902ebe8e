"""Foggy Mountain: gradient descent, played blindfolded."""

__version__ = "0.1.0"
