"""Decoding stored uplinks again: ``inlet records redecode`` (new values on the same records) and ``inlet
connectors diff`` (two versions compared on them, nothing written). Both read a device's records page by page, rebuild
each uplink as ingest saw it, and decode it with the codec registry, as the function does."""
