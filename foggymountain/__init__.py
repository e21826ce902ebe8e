"""Foggy Mountain: gradient descent, played blindfolded."""

import logging

__version__ = "0.1.0"

# Failures caught at the game's boundaries (a level that crashes the loader, a race or reveal that
# fails, a result that cannot be saved) are logged here; `play` writes them to the file named by
# FOGGYMOUNTAIN_LOG. Silent otherwise: a terminal game must not print over its own screen.
logging.getLogger(__name__).addHandler(logging.NullHandler())
