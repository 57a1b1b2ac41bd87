"""The embedded JavaScript engine (QuickJS) that runs ``ts013`` and ``tagoio`` connectors.

Imported only when a device with a JavaScript connector is seen: the engine is not part of a cold start that
does not need it.
"""
