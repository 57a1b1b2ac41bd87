"""Decoding payload bytes into values: connector references, the two script contracts, Cayenne LPP. Pure.

A device names its connector (``NAME[@VERSION]``). ``generic-sensor`` stores the payload as sent; ``cayenne-lpp``
is decoded here in Python; any other name is a stored JavaScript connector of one of two kinds: ``ts013`` (the LoRa
Alliance Payload Codec API of The Things Stack and ChirpStack) or ``tagoio`` (TagoIO's payload parser). Running the
scripts is the engine adapter's job (``inlet.adapters.javascript``); building their input and judging their output
is this package's.
"""
