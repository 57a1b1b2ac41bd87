"""A local TagoIO for the tests and ``inlet local run --with-tagoio``: an HTTP server that follows TagoIO's documented
contract (device-token resolution, ``POST /data`` and its checks, ``GET /data``, payload parsers), with an
``/_admin`` side to set it up and switch on TagoIO's less common answers.
"""
