"""Moved to ``inlet.destinations.tagoio.worker`` (the tagoio destination kind's package); this name stays an
alias of that same module for code written before the move."""

import sys

from inlet.destinations.tagoio import worker as _moved

sys.modules[__name__] = _moved
